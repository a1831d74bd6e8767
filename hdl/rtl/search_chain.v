// One chain of search_core: a walk's private state, PRNG, prior copy and pipelines; the problem
// tables are search_tables', read through the va/vb/cl/li/pa/pb/oc ports (registered reads: the
// address in one cycle, the word in the next). Algorithm, pipelines, timing and the meaning of
// every port that search_core also has: search_core's header and docs/search.md, "RTL".
`default_nettype none

module search_chain #(
    parameter integer MAX_VARS = 16384,
    parameter integer MAX_VALUES = 65536,
    parameter integer MAX_CLAUSES = 1 << 20,
    parameter integer MAX_LITERALS = 1 << 21
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire [31:0]                   cfg_num_vars,
    input  wire [31:0]                   cfg_num_values,
    input  wire [31:0]                   cfg_num_clauses,
    input  wire [31:0]                   cfg_num_literals,
    input  wire                          pr_we,          // a prior byte (section 5)
    input  wire [$clog2(MAX_VALUES)-1:0]                 pr_waddr,
    input  wire [7:0]                    pr_wdata,
    input  wire                          cmd_fire,       // s_cmd: a command this cycle
    input  wire                          cmd_stop,
    input  wire [31:0]                   cmd_seed,       // this chain's seed
    input  wire [31:0]                   cmd_flip_budget,
    input  wire [7:0]                    cmd_noise,
    output wire                          idle,           // tables may be written
    // The shared tables (search_tables): addresses now, data on the next cycle.
    output reg  [$clog2(MAX_VARS)-1:0]                 va_addr,        // t_vars port A: sample, eval
    input  wire [$clog2(MAX_VALUES)+7:0]                 va_q,
    output reg  [$clog2(MAX_VARS)-1:0]                 vb_addr,        // t_vars port B: break updates (base only)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [$clog2(MAX_VALUES)+7:0]                 vb_q,
    /* verilator lint_on UNUSEDSIGNAL */
    output reg  [$clog2(MAX_CLAUSES)-1:0]                 cl_addr,        // t_clauses: recount, pick
    input  wire [$clog2(MAX_LITERALS)+7:0]                 cl_q,
    output reg  [$clog2(MAX_LITERALS)-1:0]                 li_addr,        // t_lits: recount, eval
    input  wire [($clog2(MAX_VARS)+9)-1:0]                 li_q,
    output reg  [$clog2(MAX_VALUES)-1:0]                 pa_addr,        // t_vstart, t_vend: the move's slots
    output reg  [$clog2(MAX_VALUES)-1:0]                 pb_addr,
    input  wire [$clog2(MAX_LITERALS):0]                   sa_q,
    input  wire [$clog2(MAX_LITERALS):0]                   ea_q,
    input  wire [$clog2(MAX_LITERALS):0]                   sb_q,
    input  wire [$clog2(MAX_LITERALS):0]                   eb_q,
    output reg  [$clog2(MAX_LITERALS)-1:0]                 oc_addr,        // t_occ: apply
    input  wire [$clog2(MAX_CLAUSES):0]                   oc_q,
    output reg                           m_sol_valid,
    input  wire                          m_sol_ready,
    input  wire [$clog2(MAX_VARS)-1:0]                 sol_rd_var,
    output reg  [7:0]                    sol_rd_val,
    output reg  [31:0]                   sol_flips,
    output reg  [31:0]                   sol_cycles,
    output reg                           searching,
    output reg  [63:0]                   st_flips,
    output reg  [63:0]                   st_cycles,
    output reg  [31:0]                   st_restarts,
    output reg  [31:0]                   st_unsat,
    output reg  [31:0]                   st_best_unsat,
    input  wire                          dbg_step,
    input  wire                          dbg_go,
    output reg                           dbg_paused,
    input  wire [2:0]                    dbg_sel,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]                   dbg_addr,       // the low bits address each memory
    /* verilator lint_on UNUSEDSIGNAL */
    output reg  [31:0]                   dbg_data
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer KW = (PW > VW ? PW : VW) + 2;   // the clear sweep: max(values, vars), with room
    localparam integer QW = 4;                          // unsat operation queue: 16
    localparam integer WW = VW + 9;                     // a literal word, compact: {neg, var, value}

    generate
        if (VW < 1 || PW < 9 || CW < 1 || LW < 1 || VW > 22 || PW > 24 || CW > 30 || LW > 24 ||
            (1 << VW) != MAX_VARS || (1 << PW) != MAX_VALUES || (1 << CW) != MAX_CLAUSES || (1 << LW) != MAX_LITERALS)
            begin : g_bad_parameters
                SEARCH_CHAIN_CAPACITIES_POWERS_OF_TWO_IN_RANGE unsupported ();
            end
    endgenerate

    localparam [31:0] MAXV32 = MAX_VARS, MAXP32 = MAX_VALUES, MAXC32 = MAX_CLAUSES, MAXL32 = MAX_LITERALS;
    localparam [VW:0] MAXV = MAXV32[VW:0];
    localparam [PW:0] MAXP = MAXP32[PW:0];
    localparam [CW:0] MAXC = MAXC32[CW:0];
    localparam [LW:0] MAXL = MAXL32[LW:0];

    // The full 32-bit literal word (docs/search.md section 2) of a compact one.
    function automatic [31:0] full_word(input [WW-1:0] w);
        full_word = {w[WW-1], {(23-VW){1'b0}}, w[WW-2:0]};
    endfunction

    // ---------------------------------------------------------------- control state
    localparam [4:0] S_IDLE = 5'd0, S_RESTART = 5'd1, S_SAMPLE = 5'd2, S_COUNT0 = 5'd3, S_COUNT = 5'd4,
                     S_SETTLE = 5'd5, S_PAUSE = 5'd6, S_CHECK = 5'd7, S_SOL = 5'd8, S_PICK = 5'd9,
                     S_PICK2 = 5'd10, S_PICK3 = 5'd11, S_EVAL = 5'd12, S_RANGE = 5'd13, S_WALK = 5'd14;
    reg [4:0] state;
    assign idle = state == S_IDLE;
    wire quiet = state == S_IDLE || state == S_PAUSE || state == S_SOL;   // debug reads allowed

    reg [VW:0]  nv;             // sizes of this search, clamped
    reg [PW:0]  np;
    reg [CW:0]  nc;
    reg [LW:0]  nl;
    reg [31:0]  budget;
    reg [7:0]   noise;
    reg [31:0]  rflips, rcycles;  // since the restart

    wire kill = rst || cmd_fire;  // every pipeline's valid bits

    // ---------------------------------------------------------------- PRNG and Gumbel samples
    reg  [31:0] rng;
    wire [31:0] rng_a = rng ^ (rng << 13);
    wire [31:0] rng_b = rng_a ^ (rng_a >> 17);
    wire [31:0] rng_next = rng_b ^ (rng_b << 5);
    wire [7:0]  g_q;            // a fresh Gumbel sample every cycle
    search_gumbel gumbel (.clk(clk), .idx(rng[31:24]), .q(g_q));
    wire [9:0]  g10 = {{2{g_q[7]}}, g_q};

    // ---------------------------------------------------------------- prior (this chain's copy)
    reg [7:0] prior [0:MAX_VALUES-1];
    always @(posedge clk)
        if (pr_we) prior[pr_waddr] <= pr_wdata;

    // ---------------------------------------------------------------- state memories
    reg [7:0] val [0:MAX_VARS-1];
    // ntrue and crit of a clause; updates are forwarded (apply, stage 2), so no read-during-write check
    (* no_rw_check *) reg [9+WW-1:0] cs [0:MAX_CLAUSES-1];

    // Read ports: addresses are muxed by the state (the pipelines never overlap).
    reg  [PW-1:0]    pr_addr;  reg [7:0]    pr_q;      // prior: sample, eval
    reg  [VW-1:0]    vl_addr;  reg [7:0]    vl_q;      // val port A: recount, eval, debug
    reg  [CW-1:0]    cs_addr;  reg [9+WW-1:0] cs_q;    // cs: apply, debug
    reg              val_we;   reg [VW-1:0] val_waddr; reg [7:0] val_wdata;
    reg              cs_we;    reg [CW-1:0] cs_waddr;  reg [9+WW-1:0] cs_wdata;

    always @(posedge clk) begin
        pr_q <= prior[pr_addr];
        vl_q <= val[vl_addr];
        sol_rd_val <= val[sol_rd_var];
        cs_q <= cs[cs_addr];
        if (val_we) val[val_waddr] <= val_wdata;
        if (cs_we) cs[cs_waddr] <= cs_wdata;
    end

    // ---------------------------------------------------------------- break counts
    reg              b0_v, b0_dec;         // stage 0: the sole literal's variable goes to t_vars port B
    reg  [WW-1:0]    b0_w;
    reg              b1_v, b1_dec;         // stage 1: slot = base + value -> search_breaks
    reg  [WW-1:0]    b1_w;
    wire [PW-1:0]    b1_slot = vb_q[PW-1:0] + {{(PW-8){1'b0}}, b1_w[7:0]};
    wire             b1_neg = b1_w[WW-1];
    reg  [VW-1:0]    ba_rd;                // read addresses (eval, debug)
    reg  [PW-1:0]    bn_rd;
    wire [15:0]      ba_q, bn_q;
    wire             ba_busy, bn_busy;
    reg              clr_on;
    reg  [KW-1:0]    clr_i;

    search_breaks #(.AW(VW), .CW(16)) brk_all (
        .clk(clk), .rst(kill), .s_upd_valid(b1_v && !b1_neg), .s_upd_addr(b1_w[8 +: VW]), .s_upd_dec(b1_dec),
        .clr_en(clr_on && clr_i < {{(KW-VW-1){1'b0}}, nv}), .clr_addr(clr_i[VW-1:0]),
        .rd_addr(ba_rd), .rd_data(ba_q), .busy(ba_busy));
    search_breaks #(.AW(PW), .CW(16)) brk_ne (
        .clk(clk), .rst(kill), .s_upd_valid(b1_v && b1_neg), .s_upd_addr(b1_slot), .s_upd_dec(b1_dec),
        .clr_en(clr_on && clr_i < {{(KW-PW-1){1'b0}}, np}), .clr_addr(clr_i[PW-1:0]),
        .rd_addr(bn_rd), .rd_data(bn_q), .busy(bn_busy));

    // A break update: the sole true literal `cop_w` of a clause gains (+1) or loses (-1) a clause.
    reg              cop_v, cop_dec;
    reg  [WW-1:0]    cop_w;
    wire             counts_idle = !b0_v && !b1_v && !ba_busy && !bn_busy;

    // ---------------------------------------------------------------- unsatisfied list
    reg              uop_v, uop_remove;
    reg  [CW-1:0]    uop_c;
    reg  [CW-1:0]    ul_rd, up_rd;
    wire [QW:0]      uq;
    wire             u_idle;
    wire [CW:0]      ucount;
    wire [CW-1:0]    ul_q, up_q;
    search_unsat #(.CW(CW), .QW(QW)) unsat (
        .clk(clk), .rst(rst), .clear(kill || state == S_RESTART),
        .s_op_valid(uop_v), .s_op_remove(uop_remove), .s_op_clause(uop_c),
        .queued(uq), .idle(u_idle), .count(ucount),
        .rd_addr(ul_rd), .rd_list(ul_q), .pos_addr(up_rd), .rd_pos(up_q));
    localparam [QW:0] QDEPTH = 1 << QW;

    // ---------------------------------------------------------------- sample
    reg  [VW:0]   sm_x;          // variable being sampled
    reg           sm_first;      // va_q holds t_vars[sm_x]: its first slot is this cycle
    reg           sm_done;
    reg  [7:0]    sm_b, sm_sizem1;
    reg  [PW-1:0] sm_base;
    wire [7:0]    sm_bc = sm_first ? 8'd0 : sm_b;
    wire [7:0]    sm_sc = sm_first ? va_q[PW +: 8] : sm_sizem1;
    wire [PW-1:0] sm_basec = sm_first ? va_q[PW-1:0] : sm_base;
    wire          sm_last = sm_bc == sm_sc;
    wire          sm_go = state == S_SAMPLE && !sm_done;
    wire [VW:0]   sm_xn = sm_x + 1'b1;
    reg           p1_v, p1_last;
    reg  [7:0]    p1_b;
    reg  [VW-1:0] p1_x;
    reg           sb_v;          // best so far of the variable in P1
    reg  [9:0]    sb_score;
    reg  [7:0]    sb_b;
    wire [9:0]    p1_score = {2'b00, pr_q} + g10;
    wire          p1_ok = pr_q != 8'd0;
    wire          p1_keep = p1_b != 8'd0 && sb_v;   // the earlier best of this variable
    wire          p1_take = p1_ok && (!p1_keep || $signed(p1_score) > $signed(sb_score));
    wire [7:0]    p1_best = p1_take ? p1_b : p1_keep ? sb_b : 8'd0;

    // ---------------------------------------------------------------- recount
    reg  [CW:0]   rc_c;          // next clause to start; cl_q holds t_clauses[rc_c]
    reg  [8:0]    rc_rem;        // literals of the current clause still to issue
    reg  [LW-1:0] rc_l;
    reg  [CW-1:0] rc_cur;
    reg           r1_v, r1_first, r1_last;
    reg  [CW-1:0] r1_c;
    reg           r2_v, r2_first, r2_last;
    reg  [CW-1:0] r2_c;
    reg  [WW-1:0] r2_w;
    wire          rc_credit = {1'b0, uq} + {{(QW+1){1'b0}}, r1_v} + {{(QW+1){1'b0}}, r2_v} < {1'b0, QDEPTH};
    wire          rc_start = state == S_COUNT && rc_rem == 9'd0 && rc_c < nc && rc_credit;
    wire          rc_cont = state == S_COUNT && rc_rem != 9'd0 && rc_credit;
    wire          rc_issue = rc_start || rc_cont;
    wire          rc_gen_done = rc_rem == 9'd0 && rc_c >= nc;
    reg  [8:0]    acc_nt;
    reg  [WW-1:0] acc_cr;
    wire          r2_true = r2_v && ((vl_q == r2_w[7:0]) ^ r2_w[WW-1]);
    wire [8:0]    r2_nt = (r2_first ? 9'd0 : acc_nt) + {8'd0, r2_true};
    wire [WW-1:0] r2_cr = (r2_first ? {WW{1'b0}} : acc_cr) ^ (r2_true ? r2_w : {WW{1'b0}});

    // ---------------------------------------------------------------- pick and eval
    reg  [CW-1:0] pk_clause, mv_clause;   // the clause picked; that of the last flip
    reg  [8:0]    ev_rem;        // literals still to fetch
    reg  [LW-1:0] ev_l;
    reg  [7:0]    ev_k;          // index of the next literal in the clause
    reg  [7:0]    walk_k;        // the random walk's literal
    reg           f1_v;
    reg  [7:0]    f1_k;
    reg           f2_v;
    reg  [7:0]    f2_k;
    reg  [WW-1:0] f2_w;
    // literal FIFO: {k, brk_all, size - 1, base, cur, literal}
    localparam integer RW = 8 + 16 + 8 + PW + 8 + WW;
    reg  [RW-1:0] lf [0:3];
    reg  [1:0]    lf_rd, lf_wr;
    reg  [2:0]    lf_n;
    // F1 reads brk_all: a literal issues only once every break update is written.
    wire          ev_first = state == S_PICK3 && counts_idle;
    wire          ev_issue = ev_first || (state == S_EVAL && ev_rem != 9'd0 && counts_idle &&
                             {1'b0, lf_n} + {3'd0, f1_v} + {3'd0, f2_v} < 4'd4);
    // The record F2 delivers is pushed every time; with the FIFO empty G takes it in the same
    // cycle (and pops it at once when its last candidate goes out).
    wire [RW-1:0] f2_rec = {f2_k, ba_q, va_q[PW +: 8], va_q[PW-1:0], vl_q, f2_w};
    wire [RW-1:0] g_rec = lf_n == 3'd0 ? f2_rec : lf[lf_rd];
    wire [WW-1:0] g_w = g_rec[WW-1:0];
    wire [7:0]    g_cur = g_rec[WW +: 8];
    wire [PW-1:0] g_base = g_rec[WW+8 +: PW];
    wire [7:0]    g_sizem1 = g_rec[WW+8+PW +: 8];
    wire [15:0]   g_brka = g_rec[WW+16+PW +: 16];
    wire [7:0]    g_k = g_rec[WW+32+PW +: 8];
    wire          g_neg = g_w[WW-1];
    wire [7:0]    g_v = g_w[7:0];
    reg  [7:0]    g_j;           // value index within a negative literal's other values
    wire          g_have = lf_n != 3'd0 || f2_v;
    wire [7:0]    g_b = !g_neg ? g_v : (g_j < g_cur ? g_j : g_j + 8'd1);
    wire          g_valid = g_have && (!g_neg ? (g_v != g_cur && g_v <= g_sizem1)
                                              : (g_sizem1 != 8'd0 && g_b != g_v));
    wire          g_last = !g_neg || g_sizem1 == 8'd0 || g_j == g_sizem1 - 8'd1;
    wire          g_pop = g_have && g_last;
    wire [PW-1:0] g_slot = g_base + {{(PW-8){1'b0}}, g_b};
    reg           c1_v;
    reg  [VW-1:0] c1_x;
    reg  [7:0]    c1_b, c1_cur, c1_k, c1_key;
    reg  [PW-1:0] c1_base;
    reg  [15:0]   c1_brka;
    wire          c1_ok = c1_v && pr_q != 8'd0;
    wire [16:0]   c1_brk = {1'b0, c1_brka} + {1'b0, bn_q};
    wire [9:0]    c1_score = {2'b00, pr_q} + g10;
    // best (least break, then least key) and walk (the walk literal's Gumbel-max value) moves
    reg           bb_v, wb_v;
    reg  [16:0]   bb_brk, wb_brk;
    reg  [7:0]    bb_key;
    reg  [9:0]    wb_score;
    reg  [VW-1:0] bb_x, wb_x;
    reg  [7:0]    bb_a, bb_b, wb_a, wb_b;
    reg  [PW-1:0] bb_base, wb_base;
    wire          c1_best = c1_ok && (!bb_v || c1_brk < bb_brk || (c1_brk == bb_brk && c1_key < bb_key));
    wire          c1_walk = c1_ok && c1_k == walk_k && (!wb_v || $signed(c1_score) > $signed(wb_score));
    wire          ev_done = ev_rem == 9'd0 && !f1_v && !f2_v && lf_n == 3'd0 && !c1_v;
    // Debug pauses fall where the state is final and the timing up to them is that of a run
    // without pauses: before a solution or budget restart (S_SETTLE, every count written), and
    // before every flip's decision (S_EVAL, ev_done: the eval waited for every count).
    reg  pause_eval;            // the pause is in S_EVAL: resume there
    reg  ev_released;           // this flip's decision may go on
    wire ev_decide = ev_done && (!dbg_step || ev_released);

    // ---------------------------------------------------------------- move and apply
    reg  [VW-1:0] mv_x;
    reg  [7:0]    mv_a, mv_b;
    reg  [16:0]   mv_brk;
    reg  [1:0]    mv_kind;
    // the decision, in the cycle the last candidate is scored (ev_done)
    wire          dec_none = !bb_v;
    wire          dec_walk = bb_v && bb_brk != 17'd0 && rng[23:16] < noise && wb_v;
    wire [VW-1:0] dec_x = dec_walk ? wb_x : bb_x;
    wire [7:0]    dec_a = dec_walk ? wb_a : bb_a;
    wire [7:0]    dec_b = dec_walk ? wb_b : bb_b;
    wire [PW-1:0] dec_base = dec_walk ? wb_base : bb_base;
    wire [16:0]   dec_brk = dec_walk ? wb_brk : bb_brk;
    wire [1:0]    dec_kind = dec_none ? 2'd0 : dec_walk ? 2'd2 : bb_brk == 17'd0 ? 2'd1 : 2'd3;
    wire          dec_fire = state == S_EVAL && ev_decide;
    // the occurrence ranges of the old and the new slot, clamped to num_literals
    wire [LW:0]   ra_s = sa_q > nl ? nl : sa_q;
    wire [LW:0]   ra_e = ea_q > nl ? nl : ea_q;
    wire [LW:0]   rb_s = sb_q > nl ? nl : sb_q;
    wire [LW:0]   rb_e = eb_q > nl ? nl : eb_q;
    reg  [LW:0]   wka_o, wka_end, wkb_o, wkb_end;
    // the walk: slot a's range, then slot b's; the first entry issues as the ranges arrive
    wire          wk_first = state == S_RANGE;
    wire [LW:0]   wa_o = wk_first ? ra_s : wka_o;
    wire [LW:0]   wa_e = wk_first ? ra_e : wka_end;
    wire [LW:0]   wb_o = wk_first ? rb_s : wkb_o;
    wire [LW:0]   wb_e = wk_first ? rb_e : wkb_end;
    wire          wa_left = wa_o < wa_e;
    wire          wb_left = wb_o < wb_e;
    reg           o1_v, o1_isb;
    reg           o2_v, o2_isb, o2_neg;
    reg  [CW-1:0] o2_c;
    wire          wk_credit = {1'b0, uq} + {{(QW+1){1'b0}}, o1_v} + {{(QW+1){1'b0}}, o2_v} < {1'b0, QDEPTH};
    wire          wk_issue = (wk_first || state == S_WALK) && (wa_left || wb_left) && wk_credit;
    reg           o3_v;
    reg  [CW-1:0] o3_c;
    reg  [9+WW-1:0] o3_s;
    wire [9+WW-1:0] o2_s = (o3_v && o3_c == o2_c) ? o3_s : cs_q;
    wire [8:0]    o2_nt = o2_s[9+WW-1 -: 9];
    wire [WW-1:0] o2_cr = o2_s[WW-1:0];
    wire          o2_up = o2_isb ^ o2_neg;     // the literal becomes true
    wire [WW-1:0] o2_lit = {o2_neg, mv_x, o2_isb ? mv_b : mv_a};
    wire [8:0]    o2_ntn = o2_up ? o2_nt + 9'd1 : o2_nt - 9'd1;
    wire [WW-1:0] o2_crn = o2_cr ^ o2_lit;
    wire          apply_done = !wa_left && !wb_left && !o1_v && !o2_v;

    // the pick: index = r16 * count >> 16; the walk literal: r16 * length >> 16
    /* verilator lint_off UNUSEDSIGNAL */
    wire [CW+16:0] pick_prod = {{(CW+1){1'b0}}, rng[15:0]} * {16'd0, ucount};
    wire [24:0]    walk_prod = {9'd0, rng[15:0]} * {16'd0, {1'b0, cl_q[LW +: 8]} + 9'd1};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [CW-1:0]  pick_idx = pick_prod[16 +: CW];

    // ---------------------------------------------------------------- read-port and write-port muxes
    always @(*) begin
        if (state == S_RESTART) va_addr = {VW{1'b0}};
        else if (state == S_SAMPLE) va_addr = sm_go && sm_last ? sm_xn[VW-1:0] : sm_x[VW-1:0];
        else va_addr = li_q[8 +: VW];          // eval, stage F1
        vb_addr = b0_w[8 +: VW];
        cl_addr = state == S_PICK2 ? ul_q : (rc_start ? rc_c[CW-1:0] + 1'b1 : rc_c[CW-1:0]);
        if (state == S_COUNT0) cl_addr = {CW{1'b0}};
        li_addr = state == S_PICK3 ? cl_q[LW-1:0] : state == S_EVAL ? ev_l : (rc_start ? cl_q[LW-1:0] : rc_l);
        pa_addr = dec_base + {{(PW-8){1'b0}}, dec_a};
        pb_addr = dec_base + {{(PW-8){1'b0}}, dec_b};
        oc_addr = wa_left ? wa_o[LW-1:0] : wb_o[LW-1:0];
        pr_addr = state == S_SAMPLE ? sm_basec + {{(PW-8){1'b0}}, sm_bc} : g_slot;
        vl_addr = quiet ? dbg_addr[VW-1:0] : li_q[8 +: VW];
        cs_addr = quiet ? dbg_addr[CW-1:0] : oc_q[CW-1:0];
        ba_rd = quiet ? dbg_addr[VW-1:0] : li_q[8 +: VW];
        bn_rd = quiet ? dbg_addr[PW-1:0] : g_slot;
        ul_rd = quiet ? dbg_addr[CW-1:0] : pick_idx;
        up_rd = dbg_addr[CW-1:0];

        val_we = 1'b0;
        val_waddr = p1_x;
        val_wdata = p1_best;
        if (p1_v && p1_last) val_we = 1'b1;
        if (dec_fire && !dec_none) begin
            val_we = 1'b1;
            val_waddr = dec_x;
            val_wdata = dec_b;
        end
        cs_we = 1'b0;
        cs_waddr = r2_c;
        cs_wdata = {r2_nt, r2_cr};
        if (r2_v && r2_last) cs_we = 1'b1;
        if (o2_v) begin
            cs_we = 1'b1;
            cs_waddr = o2_c;
            cs_wdata = {o2_ntn, o2_crn};
        end

        // break update and unsat operation of a finished clause (recount) or an updated one (apply)
        cop_v = 1'b0;
        cop_dec = 1'b0;
        cop_w = r2_cr;
        uop_v = 1'b0;
        uop_remove = 1'b0;
        uop_c = r2_c;
        if (r2_v && r2_last) begin
            cop_v = r2_nt == 9'd1;
            uop_v = r2_nt == 9'd0;
        end
        if (o2_v) begin
            uop_c = o2_c;
            if (o2_nt == 9'd1) begin
                cop_v = 1'b1;
                cop_dec = 1'b1;
                cop_w = o2_cr;
            end else if (o2_ntn == 9'd1) begin
                cop_v = 1'b1;
                cop_w = o2_crn;
            end
            if (o2_up && o2_nt == 9'd0) begin
                uop_v = 1'b1;
                uop_remove = 1'b1;
            end else if (!o2_up && o2_nt == 9'd1) uop_v = 1'b1;
        end
    end


    // debug registers
    reg [31:0] dbg_reg;
    always @(*) begin
        case (dbg_addr[3:0])
            4'd0: dbg_reg = {{(31-CW){1'b0}}, ucount};
            4'd1: dbg_reg = {{(32-CW){1'b0}}, mv_clause};
            4'd2: dbg_reg = {{(32-VW){1'b0}}, mv_x};
            4'd3: dbg_reg = {24'd0, mv_a};
            4'd4: dbg_reg = {24'd0, mv_b};
            4'd5: dbg_reg = {15'd0, mv_brk};
            4'd6: dbg_reg = {30'd0, mv_kind};
            4'd7: dbg_reg = rflips;
            4'd8: dbg_reg = rcycles;
            4'd9: dbg_reg = st_restarts;
            4'd10: dbg_reg = st_flips[31:0];
            4'd11: dbg_reg = st_unsat;
            default: dbg_reg = 32'd0;
        endcase
    end
    reg [2:0]  dbg_sel1;
    reg [31:0] dbg_reg1;
    always @(*) begin
        case (dbg_sel1)
            3'd0: dbg_data = {24'd0, vl_q};
            3'd1: dbg_data = {16'd0, ba_q};
            3'd2: dbg_data = {16'd0, bn_q};
            3'd3: dbg_data = {23'd0, cs_q[9+WW-1 -: 9]};
            3'd4: dbg_data = full_word(cs_q[WW-1:0]);
            3'd5: dbg_data = {{(32-CW){1'b0}}, ul_q};
            3'd6: dbg_data = {{(32-CW){1'b0}}, up_q};
            default: dbg_data = dbg_reg1;
        endcase
    end

    // ---------------------------------------------------------------- sequential
    wire [CW:0] ucount_w = ucount;
    wire settle_full = ucount_w == {(CW+1){1'b0}} || (budget != 32'd0 && rflips >= budget);
    wire settle_go = (state == S_SETTLE || (state == S_WALK && apply_done)) && u_idle && !uop_v &&
                     (counts_idle || !settle_full);
    always @(posedge clk) begin
        dbg_sel1 <= dbg_sel;
        dbg_reg1 <= dbg_reg;
        if (state != S_IDLE) rng <= rng_next;
        if (state != S_IDLE && state != S_PAUSE) begin
            st_cycles <= st_cycles + 64'd1;
            rcycles <= rcycles + 32'd1;
        end

        // break updates: stage 0 and 1
        b0_v <= cop_v;
        b0_dec <= cop_dec;
        b0_w <= cop_w;
        b1_v <= b0_v;
        b1_dec <= b0_dec;
        b1_w <= b0_w;

        // sample: slot stage (P0) and score stage (P1)
        p1_v <= sm_go;
        p1_b <= sm_bc;
        p1_last <= sm_last;
        p1_x <= sm_x[VW-1:0];
        if (p1_v) begin
            sb_v <= p1_take || p1_keep;
            sb_score <= p1_take ? p1_score : sb_score;
            sb_b <= p1_best;
        end
        if (sm_go) begin
            if (sm_first) begin
                sm_base <= va_q[PW-1:0];
                sm_sizem1 <= va_q[PW +: 8];
            end
            if (sm_last) begin
                sm_x <= sm_xn;
                sm_b <= 8'd0;
                sm_first <= sm_xn < nv;
                sm_done <= !(sm_xn < nv);
            end else begin
                sm_b <= sm_bc + 8'd1;
                sm_first <= 1'b0;
            end
        end
        if (clr_on) begin
            clr_i <= clr_i + 1'b1;
            if (clr_i >= {{(KW-PW-1){1'b0}}, np} && clr_i >= {{(KW-VW-1){1'b0}}, nv}) clr_on <= 1'b0;
        end

        // recount: issue (R0), literal (R1), value (R2)
        r1_v <= rc_issue;
        r1_first <= rc_start;
        r1_last <= rc_start ? cl_q[LW +: 8] == 8'd0 : rc_rem == 9'd1;
        r1_c <= rc_start ? rc_c[CW-1:0] : rc_cur;
        r2_v <= r1_v;
        r2_first <= r1_first;
        r2_last <= r1_last;
        r2_c <= r1_c;
        r2_w <= li_q;
        if (r2_v) begin
            acc_nt <= r2_nt;
            acc_cr <= r2_cr;
        end
        if (rc_start) begin
            rc_c <= rc_c + 1'b1;
            rc_cur <= rc_c[CW-1:0];
            rc_l <= cl_q[LW-1:0] + 1'b1;
            rc_rem <= {1'b0, cl_q[LW +: 8]};
        end else if (rc_cont) begin
            rc_l <= rc_l + 1'b1;
            rc_rem <= rc_rem - 9'd1;
        end

        // eval: fetch (F0..F2), literal FIFO, candidates (G), scoring (C1)
        f1_v <= ev_issue;
        f1_k <= ev_first ? 8'd0 : ev_k;
        f2_v <= f1_v;
        f2_k <= f1_k;
        f2_w <= li_q;
        if (ev_issue && !ev_first) begin
            ev_l <= ev_l + 1'b1;
            ev_rem <= ev_rem - 9'd1;
            ev_k <= ev_k + 8'd1;
        end
        if (f2_v) begin
            lf[lf_wr] <= f2_rec;
            lf_wr <= lf_wr + 2'd1;
        end
        if (g_pop) lf_rd <= lf_rd + 2'd1;
        lf_n <= lf_n + {2'd0, f2_v} - {2'd0, g_pop};
        if (g_have) g_j <= g_last ? 8'd0 : g_j + 8'd1;
        c1_v <= g_valid;
        c1_x <= g_w[8 +: VW];
        c1_b <= g_b;
        c1_cur <= g_cur;
        c1_k <= g_k;
        c1_key <= rng[7:0];
        c1_base <= g_base;
        c1_brka <= g_brka;
        if (c1_best) begin
            bb_v <= 1'b1;
            bb_brk <= c1_brk;
            bb_key <= c1_key;
            bb_x <= c1_x;
            bb_a <= c1_cur;
            bb_b <= c1_b;
            bb_base <= c1_base;
        end
        if (c1_walk) begin
            wb_v <= 1'b1;
            wb_score <= c1_score;
            wb_brk <= c1_brk;
            wb_x <= c1_x;
            wb_a <= c1_cur;
            wb_b <= c1_b;
            wb_base <= c1_base;
        end

        // apply: walk (O0), occurrence (O1), clause state (O2), forward copy (O3)
        o1_v <= wk_issue;
        o1_isb <= !wa_left;
        o2_v <= o1_v && {1'b0, oc_q[CW-1:0]} < nc;
        o2_isb <= o1_isb;
        o2_neg <= oc_q[CW];
        o2_c <= oc_q[CW-1:0];
        o3_v <= o2_v;
        o3_c <= o2_c;
        o3_s <= {o2_ntn, o2_crn};
        wka_o <= wa_o + {{LW{1'b0}}, wk_issue && wa_left};
        wkb_o <= wb_o + {{LW{1'b0}}, wk_issue && !wa_left};
        wka_end <= wa_e;
        wkb_end <= wb_e;

        case (state)
            S_IDLE: ;
            S_RESTART: begin
                st_restarts <= st_restarts + 32'd1;
                rflips <= 32'd0;
                rcycles <= 32'd0;
                sm_x <= {(VW+1){1'b0}};
                sm_b <= 8'd0;
                sm_first <= nv != {(VW+1){1'b0}};
                sm_done <= nv == {(VW+1){1'b0}};
                clr_on <= 1'b1;
                clr_i <= {KW{1'b0}};
                state <= S_SAMPLE;
            end
            S_SAMPLE:
                if (sm_done && !p1_v && !clr_on) state <= S_COUNT0;
            S_COUNT0: begin
                rc_c <= {(CW+1){1'b0}};
                rc_rem <= 9'd0;
                state <= S_COUNT;
            end
            S_COUNT:
                if (rc_gen_done && !r1_v && !r2_v) state <= S_SETTLE;
            S_SETTLE: ;
            S_PAUSE:
                if (dbg_go) begin
                    state <= pause_eval ? S_EVAL : S_CHECK;
                    ev_released <= 1'b1;
                end
            S_CHECK:
                if (ucount_w == {(CW+1){1'b0}}) begin
                    m_sol_valid <= 1'b1;
                    sol_flips <= rflips;
                    sol_cycles <= rcycles;
                    state <= S_SOL;
                end else if (budget != 32'd0 && rflips >= budget) state <= S_RESTART;
                else state <= S_PICK;
            S_SOL:
                if (m_sol_ready) begin
                    m_sol_valid <= 1'b0;
                    state <= S_RESTART;
                end
            S_PICK: state <= S_PICK2;          // ul_rd = pick_idx
            S_PICK2: begin                     // ul_q: the clause; cl_addr = it
                pk_clause <= ul_q;
                state <= S_PICK3;
            end
            S_PICK3: begin                     // cl_q: its literals
                ev_l <= cl_q[LW-1:0] + {{(LW-1){1'b0}}, ev_first};
                ev_rem <= {1'b0, cl_q[LW +: 8]} + {8'd0, !ev_first};
                ev_k <= {7'd0, ev_first};
                walk_k <= walk_prod[23:16];
                ev_released <= 1'b0;
                bb_v <= 1'b0;
                wb_v <= 1'b0;
                state <= S_EVAL;
            end
            S_EVAL:
                if (ev_done && !ev_decide) begin
                    state <= S_PAUSE;
                    pause_eval <= 1'b1;
                end else if (ev_decide) begin  // decide; val write; t_vstart/t_vend of both slots
                    mv_kind <= dec_kind;
                    mv_clause <= pk_clause;
                    mv_x <= dec_x;
                    mv_a <= dec_a;
                    mv_b <= dec_b;
                    mv_brk <= dec_brk;
                    rflips <= rflips + 32'd1;
                    st_flips <= st_flips + 64'd1;
                    state <= dec_none ? S_SETTLE : S_RANGE;
                end
            S_RANGE: state <= S_WALK;          // the two ranges arrive; the walk starts
            S_WALK:
                if (apply_done && !settle_go) state <= S_SETTLE;
            default: state <= S_IDLE;
        endcase

        // Settle (after a recount, or a flip's walk): the list is final once its queue is empty; a
        // pause, a solution or a restart also waits for the break counts. A pick goes on at once
        // (ul_rd = pick_idx now): the literal fetch waits for the break counts (ev_issue).
        if (settle_go) begin
            st_unsat <= {{(31-CW){1'b0}}, ucount_w};
            if ({{(31-CW){1'b0}}, ucount_w} < st_best_unsat) st_best_unsat <= {{(31-CW){1'b0}}, ucount_w};
            state <= !settle_full ? S_PICK2 : dbg_step ? S_PAUSE : S_CHECK;
            pause_eval <= 1'b0;
        end

        if (cmd_fire) begin
            m_sol_valid <= 1'b0;
            if (cmd_stop) state <= S_IDLE;
            else begin
                state <= S_RESTART;
                rng <= cmd_seed == 32'd0 ? 32'h2545F491 : cmd_seed;
                budget <= cmd_flip_budget;
                noise <= cmd_noise;
                nv <= cfg_num_vars > MAX_VARS ? MAXV : cfg_num_vars[VW:0];
                np <= cfg_num_values > MAX_VALUES ? MAXP : cfg_num_values[PW:0];
                nc <= cfg_num_clauses > MAX_CLAUSES ? MAXC : cfg_num_clauses[CW:0];
                nl <= cfg_num_literals > MAX_LITERALS ? MAXL : cfg_num_literals[LW:0];
                st_flips <= 64'd0;
                st_cycles <= 64'd0;
                st_restarts <= 32'd0;
                st_unsat <= 32'd0;
                st_best_unsat <= 32'hFFFFFFFF;
            end
        end
        searching <= state != S_IDLE;
        if (cmd_fire) searching <= !cmd_stop;
        dbg_paused <= (state == S_PAUSE && !dbg_go) ||
                      (settle_go && settle_full && dbg_step) ||
                      (state == S_EVAL && ev_done && !ev_decide);

        if (kill) begin
            b0_v <= 1'b0;
            b1_v <= 1'b0;
            p1_v <= 1'b0;
            clr_on <= 1'b0;
            r1_v <= 1'b0;
            r2_v <= 1'b0;
            rc_rem <= 9'd0;
            f1_v <= 1'b0;
            f2_v <= 1'b0;
            ev_rem <= 9'd0;
            lf_n <= 3'd0;
            lf_rd <= 2'd0;
            lf_wr <= 2'd0;
            g_j <= 8'd0;
            c1_v <= 1'b0;
            o1_v <= 1'b0;
            o2_v <= 1'b0;
            o3_v <= 1'b0;
            wka_o <= {(LW+1){1'b0}};
            wka_end <= {(LW+1){1'b0}};
            wkb_o <= {(LW+1){1'b0}};
            wkb_end <= {(LW+1){1'b0}};
            dbg_paused <= 1'b0;
        end
        if (rst) begin
            state <= S_IDLE;
            searching <= 1'b0;
            m_sol_valid <= 1'b0;
            rng <= 32'h2545F491;
            st_flips <= 64'd0;
            st_cycles <= 64'd0;
            st_restarts <= 32'd0;
            st_unsat <= 32'd0;
            st_best_unsat <= 32'hFFFFFFFF;
            nv <= {(VW+1){1'b0}};
            np <= {(PW+1){1'b0}};
            nc <= {(CW+1){1'b0}};
            nl <= {(LW+1){1'b0}};
        end
    end

endmodule

`default_nettype wire
