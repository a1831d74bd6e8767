// One read-only table of search_core (search_tables): a true dual-port RAM, port A read/write
// (a write takes port A's address: the host writes the tables only while every chain is idle,
// when no chain uses what it reads), port B read-only; both reads registered. Written this way
// synthesis maps it onto one set of dual-port block RAMs (a separate write address would make it
// three ports: two copies).
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
    wire [AW-1:0] addr_a = we ? waddr : ra;
    always @(posedge clk) begin
        if (we) mem[addr_a] <= wdata;
        qa <= mem[addr_a];
    end
    always @(posedge clk) qb <= mem[rb];
endmodule

`default_nettype wire
