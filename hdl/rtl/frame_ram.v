// Simple dual-port byte RAM with a registered read (one cycle latency), the shape of an iCE40
// block RAM (SB_RAM40_4K): one write port and one read port on the same clock.
`default_nettype none

module frame_ram #(
    parameter integer AW = 10
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] waddr,
    input  wire [7:0]    wdata,
    input  wire [AW-1:0] raddr,
    output reg  [7:0]    rdata
);
    reg [7:0] mem [0:(1 << AW) - 1];

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule

`default_nettype wire
