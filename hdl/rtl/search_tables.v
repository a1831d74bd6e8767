// The read-only problem tables of search_core (docs/search.md, "Tables"), shared by its chains.
// Written by the host while every chain is idle (we: one word of sections 0..4); each chain has
// its own registered read ports (addresses and data packed, chain i in slice i).
//
// Every RAM is a search_table_ram (two read ports, one of them also the write port: a true
// dual-port block RAM). A chain reads the variables (VARS: sample and eval, port A; break
// updates, port B) and the slot ranges (VALUES as vstart and vend: old and new slot of a move)
// on two ports each, so those tables have one copy per chain. Clauses, literals and occurrences
// are read on one port per chain: chains 2k and 2k+1 share copy k, so CHAINS = 2k keeps k copies
// of the largest tables (literals and occurrences, MAX_LITERALS words each).
`default_nettype none

module search_tables #(
    parameter integer CHAINS = 1,
    parameter integer MAX_VARS = 16384,
    parameter integer MAX_VALUES = 65536,
    parameter integer MAX_CLAUSES = 1 << 20,
    parameter integer MAX_LITERALS = 1 << 21
) (
    input  wire                         clk,
    input  wire                         we,
    input  wire [2:0]                   wr_section,
    input  wire [31:0]                  wr_addr,
    input  wire [31:0]                  wr_data,
    input  wire [CHAINS*$clog2(MAX_VARS)-1:0]         va_addr,
    output wire [CHAINS*($clog2(MAX_VALUES)+8)-1:0]     va_q,
    input  wire [CHAINS*$clog2(MAX_VARS)-1:0]         vb_addr,
    output wire [CHAINS*($clog2(MAX_VALUES)+8)-1:0]     vb_q,
    input  wire [CHAINS*$clog2(MAX_CLAUSES)-1:0]         cl_addr,
    output wire [CHAINS*($clog2(MAX_LITERALS)+8)-1:0]     cl_q,
    input  wire [CHAINS*$clog2(MAX_LITERALS)-1:0]         li_addr,
    output wire [CHAINS*($clog2(MAX_VARS)+9)-1:0]         li_q,
    input  wire [CHAINS*$clog2(MAX_VALUES)-1:0]         pa_addr,      // slot a: sa_q = vstart, ea_q = vend
    input  wire [CHAINS*$clog2(MAX_VALUES)-1:0]         pb_addr,      // slot b: sb_q, eb_q
    output wire [CHAINS*($clog2(MAX_LITERALS)+1)-1:0]     sa_q,
    output wire [CHAINS*($clog2(MAX_LITERALS)+1)-1:0]     ea_q,
    output wire [CHAINS*($clog2(MAX_LITERALS)+1)-1:0]     sb_q,
    output wire [CHAINS*($clog2(MAX_LITERALS)+1)-1:0]     eb_q,
    input  wire [CHAINS*$clog2(MAX_LITERALS)-1:0]         oc_addr,
    output wire [CHAINS*($clog2(MAX_CLAUSES)+1)-1:0]     oc_q
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer WW = VW + 9;
    localparam integer PAIRS = (CHAINS + 1) / 2;
    localparam [31:0] MAXL32 = MAX_LITERALS;
    localparam [LW:0] MAXL = MAXL32[LW:0];

    // The words as the tables hold them (clamped as docs/search.md says).
    wire [PW+7:0] vars_w = {wr_data[31:24], wr_data[PW-1:0]};
    wire [LW+7:0] clause_w = {wr_data[31:24], wr_data[LW-1:0]};
    wire [WW-1:0] lit_w = {wr_data[31], wr_data[8 +: VW], wr_data[7:0]};
    wire [LW:0]   range_w = wr_data > MAX_LITERALS ? MAXL : wr_data[LW:0];
    wire [CW:0]   occ_w = {wr_data[31], {1'b0, wr_data[30:0]} >= MAX_CLAUSES ? {CW{1'b1}} : wr_data[CW-1:0]};
    // VALUES: word p is the start of slot p's occurrences and the end of slot p - 1's, so it goes
    // to both: a slot's range is one read of each, and the old and new slot's ranges one cycle.
    wire we_vars = we && wr_section == 3'd0 && wr_addr < MAX_VARS;
    wire we_clauses = we && wr_section == 3'd1 && wr_addr < MAX_CLAUSES;
    wire we_lits = we && wr_section == 3'd2 && wr_addr < MAX_LITERALS;
    wire we_vstart = we && wr_section == 3'd3 && wr_addr < MAX_VALUES;
    wire we_vend = we && wr_section == 3'd3 && wr_addr != 32'd0 && wr_addr <= MAX_VALUES;
    wire we_occ = we && wr_section == 3'd4 && wr_addr < MAX_LITERALS;
    wire [PW-1:0] prev_slot = wr_addr[PW-1:0] - 1'b1;

    genvar i;
    generate
        for (i = 0; i < CHAINS; i = i + 1) begin : g_chain
            search_table_ram #(.W(PW + 8), .AW(VW)) t_vars (
                .clk(clk), .we(we_vars), .waddr(wr_addr[VW-1:0]), .wdata(vars_w),
                .ra(va_addr[i*VW +: VW]), .qa(va_q[i*(PW+8) +: PW+8]),
                .rb(vb_addr[i*VW +: VW]), .qb(vb_q[i*(PW+8) +: PW+8]));
            search_table_ram #(.W(LW + 1), .AW(PW)) t_vstart (
                .clk(clk), .we(we_vstart), .waddr(wr_addr[PW-1:0]), .wdata(range_w),
                .ra(pa_addr[i*PW +: PW]), .qa(sa_q[i*(LW+1) +: LW+1]),
                .rb(pb_addr[i*PW +: PW]), .qb(sb_q[i*(LW+1) +: LW+1]));
            search_table_ram #(.W(LW + 1), .AW(PW)) t_vend (
                .clk(clk), .we(we_vend), .waddr(prev_slot), .wdata(range_w),
                .ra(pa_addr[i*PW +: PW]), .qa(ea_q[i*(LW+1) +: LW+1]),
                .rb(pb_addr[i*PW +: PW]), .qb(eb_q[i*(LW+1) +: LW+1]));
        end
        for (i = 0; i < PAIRS; i = i + 1) begin : g_pair
            // port A: chain 2i; port B: chain 2i + 1 (with an odd CHAINS the last copy's port B is idle)
            localparam integer B = 2 * i + 1 < CHAINS ? 2 * i + 1 : 2 * i;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [LW+7:0] cl_b;
            wire [WW-1:0] li_b;
            wire [CW:0]   oc_b;
            /* verilator lint_on UNUSEDSIGNAL */
            search_table_ram #(.W(LW + 8), .AW(CW)) t_clauses (
                .clk(clk), .we(we_clauses), .waddr(wr_addr[CW-1:0]), .wdata(clause_w),
                .ra(cl_addr[2*i*CW +: CW]), .qa(cl_q[2*i*(LW+8) +: LW+8]),
                .rb(cl_addr[B*CW +: CW]), .qb(cl_b));
            search_table_ram #(.W(WW), .AW(LW)) t_lits (
                .clk(clk), .we(we_lits), .waddr(wr_addr[LW-1:0]), .wdata(lit_w),
                .ra(li_addr[2*i*LW +: LW]), .qa(li_q[2*i*WW +: WW]),
                .rb(li_addr[B*LW +: LW]), .qb(li_b));
            search_table_ram #(.W(CW + 1), .AW(LW)) t_occ (
                .clk(clk), .we(we_occ), .waddr(wr_addr[LW-1:0]), .wdata(occ_w),
                .ra(oc_addr[2*i*LW +: LW]), .qa(oc_q[2*i*(CW+1) +: CW+1]),
                .rb(oc_addr[B*LW +: LW]), .qb(oc_b));
            if (2 * i + 1 < CHAINS) begin : g_b
                assign cl_q[B*(LW+8) +: LW+8] = cl_b;
                assign li_q[B*WW +: WW] = li_b;
                assign oc_q[B*(CW+1) +: CW+1] = oc_b;
            end
        end
    endgenerate
endmodule

`default_nettype wire
