// Simple dual-port RAM with a registered read (one cycle latency), the shape of an iCE40 block
// RAM (SB_RAM40_4K): one write port and one read port on the same clock. Bytes by default; DW up
// to 16 keeps a 256-deep table in one block RAM (256 x 16).
// No user reads an address in the cycle it is written (frame slots: the writer and the reader
// are on different slots; tables: written and read in different phases, and engine_lane forwards
// its seen-set tag itself), so yosys need not add read-during-write logic (no_rw_check): what
// such a read returns is undefined.
`default_nettype none

module frame_ram #(
    parameter integer AW = 10,
    parameter integer DW = 8
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] waddr,
    input  wire [DW-1:0] wdata,
    input  wire [AW-1:0] raddr,
    output reg  [DW-1:0] rdata
);
    (* no_rw_check *) reg [DW-1:0] mem [0:(1 << AW) - 1];

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule

`default_nettype wire
