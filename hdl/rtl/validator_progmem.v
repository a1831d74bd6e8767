// Program memory: DEPTH x 64-bit instruction words, single port (the loader writes while no
// candidate runs; the executor reads one word per cycle, data one cycle after the address).
// On the iCE40 UP5K the 16K x 64 memory is the four SB_SPRAM256KA blocks (16K x 16 each) side by
// side. yosys 0.23 infers them from the array below only with `synth_ice40 -spram`; instantiating
// them under SYNTHESIS keeps the mapping independent of that flag (without it the array would be
// offered to the block RAMs, which hold an eighth of it). Verilator uses the array, which reads
// the same way (DATAOUT holds during a write).
`default_nettype none

module validator_progmem #(
    parameter DEPTH = 16384
) (
    input  wire                     clk,
    input  wire                     we,
    input  wire [$clog2(DEPTH)-1:0] addr,
    input  wire [63:0]              wdata,
    output wire [63:0]              rdata
);
`ifdef SYNTHESIS
    generate
        if (DEPTH > 16384) begin : g_too_deep
            // A UP5K has four 16K x 16 SPRAM blocks and no more.
            SPRAM_DEPTH_OVER_16K_IS_NOT_SUPPORTED unsupported ();
        end
    endgenerate
    wire [13:0] spram_addr;
    assign spram_addr = addr;  // zero-extended when DEPTH < 16K
    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_spram
            SB_SPRAM256KA spram (
                .ADDRESS(spram_addr),
                .DATAIN(wdata[16*i +: 16]),
                .MASKWREN(4'b1111),
                .WREN(we),
                .CHIPSELECT(1'b1),
                .CLOCK(clk),
                .STANDBY(1'b0),
                .SLEEP(1'b0),
                .POWEROFF(1'b1),
                .DATAOUT(rdata[16*i +: 16])
            );
        end
    endgenerate
`else
    reg [63:0] mem [0:DEPTH-1];
    reg [63:0] out;
    always @(posedge clk) begin
        if (we) mem[addr] <= wdata;
        else out <= mem[addr];
    end
    assign rdata = out;
`endif
endmodule

`default_nettype wire
