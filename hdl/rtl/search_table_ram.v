// One read-only table of search_core (search_tables): a RAM with one write port and two
// registered read ports, the shape of a true dual-port block RAM whose port A also writes (the
// host writes the tables only while every chain is idle, so a write never meets a read).
`default_nettype none

module search_table_ram #(
    parameter integer W = 8,     // word width
    parameter integer AW = 8     // address width; 2^AW words
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] waddr,
    input  wire [W-1:0]  wdata,
    input  wire [AW-1:0] ra,
    output reg  [W-1:0]  qa,
    input  wire [AW-1:0] rb,
    output reg  [W-1:0]  qb
);
    reg [W-1:0] mem [0:(1 << AW)-1];
    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        qa <= mem[ra];
        qb <= mem[rb];
    end
endmodule

`default_nettype wire
