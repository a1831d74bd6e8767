// A RAM of break counts updated by +1/-1 (search_core: brk_all per variable, brk_ne per value
// slot; docs/search.md, "The algorithm"), with a clear port and a read port.
//
// Update stream (no ready: it takes one update every cycle): stage 1 is the cycle s_upd_valid is
// high (the address goes to the RAM), stage 2 gets the count, adds +1 or -1 and writes it. A read
// presented at the edge of a write returns the old count, so an update right behind one to the
// same address takes stage 3's copy of that write (STYLE R3); any update further behind reads the
// RAM after the write. `busy` is high while an accepted update has not been written.
//
// Clear: clr_en writes 0 at clr_addr; only while no update is in stage 1 or 2 (search_core
// clears during the restart sample, when no update flows). Read port: rd_data is the count at
// rd_addr one cycle later; a read of an address written in the same cycle returns the old count.
//
// Latency: an update is visible to a read presented two cycles after s_upd_valid.
`default_nettype none

module search_breaks #(
    parameter integer AW = 14,      // address bits: 1 << AW counters
    parameter integer CW = 16       // counter bits; wraps (never saturates) on inconsistent tables
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          s_upd_valid,
    input  wire [AW-1:0] s_upd_addr,
    input  wire          s_upd_dec,    // 1: -1, 0: +1
    input  wire          clr_en,
    input  wire [AW-1:0] clr_addr,
    input  wire [AW-1:0] rd_addr,
    output reg  [CW-1:0] rd_data,
    output wire          busy
);
    generate
        if (AW < 1 || AW > 24 || CW < 2 || CW > 32) begin : g_bad_parameters
            SEARCH_BREAKS_AW_1_TO_24_CW_2_TO_32 unsupported ();
        end
    endgenerate

    (* no_rw_check *) reg [CW-1:0] brk [0:(1 << AW) - 1];

    reg          v2, dec2, v3;
    reg [AW-1:0] addr2, addr3;
    reg [CW-1:0] ram_q, cnt3;

    wire [CW-1:0] cur2 = (v3 && addr3 == addr2) ? cnt3 : ram_q;
    wire [CW-1:0] cnt2 = dec2 ? cur2 - 1'b1 : cur2 + 1'b1;
    assign busy = v2;

    always @(posedge clk) begin
        ram_q <= brk[s_upd_addr];
        rd_data <= brk[rd_addr];
        if (clr_en) brk[clr_addr] <= {CW{1'b0}};
        else if (v2) brk[addr2] <= cnt2;
        v2 <= s_upd_valid;
        addr2 <= s_upd_addr;
        dec2 <= s_upd_dec;
        v3 <= v2 && !clr_en;
        addr3 <= addr2;
        cnt3 <= cnt2;
        if (rst) begin
            v2 <= 1'b0;
            v3 <= 1'b0;
        end
    end

`ifdef FORMAL
`ifdef SEARCH_BREAKS
`define SB_ASSUME assume
`else
`define SB_ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    initial v2 = 1'b0;
    initial v3 = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    // The neighbour clears only while nothing is in flight.
    always @(*) if (clr_en) `SB_ASSUME(!s_upd_valid && !v2);

    // One address, the solver's choice, and its count kept the slow way.
    (* anyconst *) reg [AW-1:0] f_addr;
    reg [CW-1:0] f_cnt;
    reg f_known = 1'b0;                   // f_cnt is defined once f_addr was cleared
    always @(posedge clk) begin
        if (clr_en && clr_addr == f_addr) begin
            f_cnt <= {CW{1'b0}};
            f_known <= 1'b1;
        end else if (v2 && addr2 == f_addr) f_cnt <= dec2 ? f_cnt - 1'b1 : f_cnt + 1'b1;
        if (rst) f_known <= 1'b0;
    end
    // The count an update in stage 2 starts from is the true one, and so is the RAM's when no
    // update of f_addr is pending.
    always @(*) if (f_past_valid && f_known && v2 && addr2 == f_addr) assert(cur2 == f_cnt);
    always @(*) if (f_past_valid && f_known && !(v2 && addr2 == f_addr)) assert(brk[f_addr] == f_cnt);
    // Induction: stage 3 holds the last write, so its count is f_addr's when it wrote f_addr;
    // stage 2's RAM read is current unless stage 3 wrote that address after it.
    always @(*) if (f_past_valid && v3) assert(brk[addr3] == cnt3);
    always @(*) if (f_past_valid && f_known && v3 && addr3 == f_addr) assert(cnt3 == f_cnt);
    always @(*) if (f_past_valid && v2 && !(v3 && addr3 == addr2)) assert(ram_q == brk[addr2]);
    always @(posedge clk) cover(f_known && v2 && v3 && addr2 == addr3 && addr2 == f_addr);
    always @(posedge clk) cover(f_known && f_cnt == 3);
`undef SB_ASSUME
`endif
endmodule

`default_nettype wire
