// A small one-chain, Boolean-only local-search core: a drop-in for search_core with CHAINS = 1
// (same parameters, same ports and, for one chain over booleans, the behaviour search_core's
// header documents), sized for the iCE40 UP5K. A sequential state machine, one access per RAM
// per cycle, caching only what it must: the assignment, each clause's true-literal count and
// the unsatisfied list. Breaks are counted when a move is scored, by walking the variable's
// occurrence list (docs/search.md, "The algorithm", restricted to booleans).
//
// Booleans only: every variable has 2 values (value_base = 2x) and every literal is on value 1
// ("Canonical clauses"), so slot 2x has no occurrences and slot 2x + 1 holds every clause with a
// literal on x, with its sign; a clause has at most one literal per variable, so the break
// counted from the occurrence list is exact. search_loader (BOOLEANS_ONLY) refuses other tables;
// on garbage the core never hangs and never indexes out of range (sizes clamped to MAX_*,
// occurrence walks stopped at num_literals, clause lengths at most 256, addresses masked).
//
// What it stores (the tables as this core keeps them; at the board's capacities, 512 / 1024 /
// 2048 / 8192, two SB_SPRAM256KA and 8 EBR):
//   lo   (2 * MAX_LITERALS words {neg, index}, single port, ram_style "huge": one SPRAM):
//        LITERALS at l as {neg, var} (value 1 implied), OCCURRENCES at MAX_LITERALS + l as
//        {neg, clause}.
//   pm   (4 regions of 2^max(CW, PW + 1) words, single port, "huge": one SPRAM): 0 CLAUSES
//        literal_start, 1 the clause states cs[c], 2 the unsatisfied list, 3 VALUES (word p at
//        p; x's occurrences are VALUES[2x] .. VALUES[2x + 2], slot 2x being empty). VARS words
//        are not stored.
//   cl_len (MAX_CLAUSES bytes: CLAUSES length - 1), val (MAX_VARS bits), prior (MAX_VALUES
//        bytes), the Gumbel ROM (search_gumbel): block RAM.
// cs[c] = {sat, payload}: sat = 1: payload = ntrue (>= 1); sat = 0: ntrue = 0 and payload = the
// clause's position in the unsatisfied list. Nothing uses a single-port RAM's output after a
// write to it (SB_SPRAM256KA's model leaves it undefined; so does this file's, in simulation).
//
// Ports: as search_core (its header), with CHAINS = 1. Differences, all within its contract:
//   ld_va_q       synthesised from the address: {size - 1 = 1, value_base = 2 * ld_va_addr}
//                 (VARS writes are dropped); ld_li_q = {neg, var, value 1} (a stored value other
//                 than 1, garbage only, reads back as 1); ld_cl_q as stored.
//   dbg_*         one chain: dbg_chain is ignored. Pauses (dbg_step) after every restart and
//                 every flip, before the solution / budget check and the next pick (a flip's
//                 pick, scoring and move all follow the pause). Reads only while paused:
//                 dbg_sel 0 val, 3 ntrue, 5 unsat list entry, 6 unsat position (meaningful for
//                 listed clauses), 7 registers (as search_core: 0 unsat count, 1 clause picked, 2
//                 move variable, 3 old value, 4 new value, 5 break, 6 kind, 7 flips since the
//                 restart, 8 cycles since the restart, 9 restarts, 10 flips, 11 st_unsat);
//                 dbg_sel 1, 2, 4 (brk_all, brk_ne, crit) read 0: nothing is cached. Every
//                 debug path is gated by dbg_step, so with the inputs tied to 0 (search_engine)
//                 synthesis removes it.
//   cfg_num_values is not used (num_values = 2 * num_vars).
//
// A flip: the pick (index = r16 * count >> 16, a 16-cycle shift-add multiply), the clause's
// start and length; with probability noise / 256 (rng[23:16] < noise, drawn at the pick) the
// walk literal (r16 * length >> 16, counted from the clause's last literal; 16 more cycles, only
// then). Per literal (x, neg), which is false (the clause is unsatisfied): the move x := !neg,
// a candidate when prior[2x + !neg] != 0; its break is the number of clauses on x's occurrence
// list with ntrue 1 whose literal on x is true now (one occurrence a cycle). The first
// candidate with break 0 is taken at once (a freebie, kind 1; the other literals are not
// scored); else the walk move if drawn and a candidate (kind 2); else the least break (kind 3),
// a tie replacing the earlier candidate when rng[0] is 1; no candidate: no move (kind 0, still a
// flip). The move writes val and walks x's occurrences: two cycles each, four more for a clause
// leaving the unsatisfied list (swap-remove: the tail takes its place), one for one joining it
// (appended). Cycles per flip on random 3-SAT 250/1065: about 135 (test/search-tb.test.ts).
// A restart: every clause unsatisfied and listed in order (two cycles a clause); then per
// variable the Gumbel-max draw over its two slots' prior bytes (search_gumbel; prior 0 never;
// ties and no nonzero byte: value 0) and a walk of its occurrences that adds its true literals
// (the move's walk, true literals only); so the list ends in the order the removals leave.
// PRNG (xorshift32 stepped every cycle while searching, seed 0 -> 0x2545F491), counters, stop
// (idle on the next cycle), m_sol_* and s_cmd_*: as search_core.
`default_nettype none

module search_lite #(
    parameter integer CHAINS = 1,              // must be 1
    parameter integer MAX_VARS = 16384,        // variables (power of two, at most 2^22)
    parameter integer MAX_VALUES = 65536,      // value slots (power of two, at least 2 * MAX_VARS)
    parameter integer MAX_CLAUSES = 1 << 20,   // clauses (power of two, at most 2^30)
    parameter integer MAX_LITERALS = 1 << 21   // literals = occurrences (power of two, at most 2^24)
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire [31:0]                   cfg_num_vars,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]                   cfg_num_values,     // 2 * num_vars: not needed
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [31:0]                   cfg_num_clauses,
    input  wire [31:0]                   cfg_num_literals,
    input  wire                          s_wr_valid,
    output reg                           s_wr_ready,
    input  wire [2:0]                    s_wr_section,
    input  wire [31:0]                   s_wr_addr,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]                   s_wr_data,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                          s_cmd_valid,
    output reg                           s_cmd_ready,
    input  wire                          s_cmd_stop,
    input  wire [31:0]                   s_cmd_seed,
    input  wire [31:0]                   s_cmd_flip_budget,
    input  wire [7:0]                    s_cmd_noise,
    output reg                           m_sol_valid,
    input  wire                          m_sol_ready,
    input  wire [$clog2(MAX_VARS)-1:0]   sol_rd_var,
    output wire [7:0]                    sol_rd_val,
    output reg  [31:0]                   sol_flips,
    output reg  [31:0]                   sol_cycles,
    output reg                           searching,
    output reg  [63:0]                   st_flips,
    output reg  [63:0]                   st_cycles,
    output reg  [31:0]                   st_restarts,
    output wire [31:0]                   st_unsat,
    output wire [31:0]                   st_best_unsat,
    input  wire                          dbg_step,
    input  wire [CHAINS-1:0]             dbg_go,
    output reg  [CHAINS-1:0]             dbg_paused,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [5:0]                    dbg_chain,          // one chain
    input  wire [2:0]                    dbg_sel,
    input  wire [31:0]                   dbg_addr,           // the low bits address each memory
    /* verilator lint_on UNUSEDSIGNAL */
    output reg  [31:0]                   dbg_data,
    input  wire                          ld_own,
    input  wire [$clog2(MAX_VARS)-1:0]   ld_va_addr,
    output wire [$clog2(MAX_VALUES)+7:0] ld_va_q,
    input  wire [$clog2(MAX_CLAUSES)-1:0] ld_cl_addr,
    output wire [$clog2(MAX_LITERALS)+7:0] ld_cl_q,
    input  wire [$clog2(MAX_LITERALS)-1:0] ld_li_addr,
    output wire [$clog2(MAX_VARS)+8:0]   ld_li_q
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer LX = CW > VW ? CW : VW;          // lo payload: var or clause
    localparam integer OW = LX + 1;                     // lo word: {neg, payload}
    localparam integer RW = CW > PW + 1 ? CW : PW + 1;  // index bits of a pm region (VALUES: 0..MAX_VALUES)
    localparam integer NW = CW > 9 ? CW : 9;            // cs payload: ntrue (9 bits) or position
    localparam integer SW = NW + 1;                     // cs word
    localparam integer MW = LW + 1 > SW ? LW + 1 : SW;  // pm word
    localparam integer BW = CW + 1 > 9 ? CW + 1 : 9;    // cc: a clause index, the count, a product

    generate
        if (CHAINS != 1) begin : g_bad_chains
            SEARCH_LITE_CHAINS_MUST_BE_1 unsupported ();
        end
        if (VW < 1 || PW < VW + 1 || CW < 1 || LW < 1 || VW > 22 || PW > 24 || CW > 30 || LW > 24 ||
            (1 << VW) != MAX_VARS || (1 << PW) != MAX_VALUES || (1 << CW) != MAX_CLAUSES || (1 << LW) != MAX_LITERALS)
            begin : g_bad_parameters
                SEARCH_LITE_CAPACITIES_POWERS_OF_TWO_IN_RANGE unsupported ();
            end
    endgenerate

    localparam [1:0]  R_CL = 2'd0, R_CS = 2'd1, R_UL = 2'd2, R_VS = 2'd3;

    // ---------------------------------------------------------------- state
    localparam [5:0] S_IDLE = 6'd0, S_RESTART = 6'd1, S_SAMP0 = 6'd2, S_SAMP1 = 6'd3, S_SAMP2 = 6'd4,
                     S_CLR0 = 6'd5, S_CLR1 = 6'd6, S_NEXTV = 6'd7,
                     S_SETTLE = 6'd10, S_PAUSE = 6'd11, S_CHECK = 6'd12, S_SOL = 6'd13, S_MUL = 6'd14,
                     S_PICK2 = 6'd15, S_PICK3 = 6'd16, S_PICK4 = 6'd17, S_EV0 = 6'd18, S_EV1 = 6'd19,
                     S_RG0 = 6'd20, S_RG1 = 6'd21, S_RG2 = 6'd22, S_EVW = 6'd23, S_EVD = 6'd24,
                     S_DEC = 6'd25, S_AC = 6'd26, S_AU = 6'd27, S_APP = 6'd28, S_RM0 = 6'd29,
                     S_RM1 = 6'd30, S_RM2 = 6'd31, S_RM3 = 6'd32, S_AO = 6'd33;
    (* fsm_encoding = "one-hot" *) reg [5:0] state;
    // debug reads and the pause exist only with dbg_step (tied to 0 on the board: removed)
    wire pz = state == S_PAUSE && dbg_step;

    reg [VW:0]  nv;              // sizes of this search, clamped
    reg [CW:0]  nc;
    reg [LW:0]  nl;
    reg [31:0]  budget;
    reg [7:0]   noise;
    reg [31:0]  rflips, rcycles;
    reg [CW:0]  ucount;          // unsatisfied clauses (the list's length)
    reg [CW:0]  ust;             // st_unsat
    reg [CW:0]  ubest;           // st_best_unsat's low bits (all ones until the first count)
    reg         ubest_none;      // its high bits
    assign st_unsat = {{(31-CW){1'b0}}, ust};
    assign st_best_unsat = {{(31-CW){ubest_none}}, ubest};

    wire cmd_fire = s_cmd_valid && s_cmd_ready;
    wire wr_fire = s_wr_valid && s_wr_ready;
    wire start = cmd_fire && !s_cmd_stop;
    always @(posedge clk) begin
        s_wr_ready <= !rst;
        s_cmd_ready <= !rst;
    end

    // ---------------------------------------------------------------- PRNG and Gumbel samples
    reg  [31:0] rng;
    wire [31:0] rng_a = rng ^ (rng << 13);
    wire [31:0] rng_b = rng_a ^ (rng_a >> 17);
    wire [31:0] rng_next = rng_b ^ (rng_b << 5);
    wire        seed_zero = s_cmd_seed == 32'd0;
    // loaded at a start (no reset needed: it steps only while searching)
    always @(posedge clk)
        if (start) rng <= s_cmd_seed | (seed_zero ? 32'h2545F491 : 32'd0);
        else if (state != S_IDLE) rng <= rng_next;
    wire [7:0]  g_q;
    search_gumbel gumbel (.clk(clk), .idx(rng[31:24]), .q(g_q));

    // ---------------------------------------------------------------- memories
    (* ram_style = "huge" *) reg [OW-1:0] lo [0:(1 << (LW + 1))-1];
    (* ram_style = "huge" *) reg [MW-1:0] pm [0:(1 << (RW + 2))-1];
    (* no_rw_check *) reg [7:0] cl_len [0:MAX_CLAUSES-1];
    (* no_rw_check *) reg       val [0:MAX_VARS-1];
    (* no_rw_check *) reg [7:0] prior [0:MAX_VALUES-1];

    reg           lo_we;  reg [LW:0]   lo_a;   reg [OW-1:0] lo_wd;  reg [OW-1:0] lo_q;
    reg           pm_we;  reg [RW+1:0] pm_a;   reg [MW-1:0] pm_wd;  reg [MW-1:0] pm_q;
    reg  [CW-1:0] ln_ra;  reg [7:0]    ln_q;
    reg           val_we; reg          val_wd; reg [VW-1:0] val_ra; reg val_q;
    reg  [PW-1:0] pr_ra;  reg [7:0]    pr_q;

    // ---------------------------------------------------------------- registers of the walk
    reg  [VW:0]   rx;            // the variable sampled, scored or moved
    reg           rb;            // its new value
    reg  [BW-1:0] cc;            // recount: the clause; pick: the product; apply: the clause
    reg  [LW-1:0] lp;            // the next literal
    reg  [7:0]    rem;           // literals after it
    reg           init;          // restart: the walks add each variable's true literals
    reg  [9:0]    s0;            // sample: slot 0's score
    reg           ok0;
    reg  [15:0]   mul_r;         // shift-add multiply: cc = mul_r * mul_b >> 16
    reg  [BW-1:0] mul_b;
    reg  [3:0]    mi;
    reg           mul_walk;      // the multiply is the walk literal's
    reg           draw;          // this flip draws the random walk
    reg  [CW-1:0] pk_clause;
    reg           ap;            // the range read is the move's (apply), not a candidate's
    reg           ok;
    reg  [LW:0]   o, oe;         // occurrence range
    reg           e1, e2, e2neg;
    reg  [CW:0]   brk;           // a break: at most the clauses
    reg           bb_v, wl, fb;  // a move kept; it is the walk literal's; it is a freebie
    reg  [CW:0]   bb_brk;
    reg  [VW-1:0] bb_x;
    reg           bb_b;
    reg  [CW-1:0] pos_r, tail;
    reg           ac_neg;
    reg  [CW-1:0] mv_clause;
    reg  [VW-1:0] mv_x;
    reg           mv_b;
    reg  [CW:0]   mv_brk;
    reg  [1:0]    mv_kind;

    wire [9:0]    g10 = {{2{g_q[7]}}, g_q};
    wire [9:0]    score = {2'b00, pr_q} + g10;
    /* verilator lint_off UNUSEDSIGNAL */
    // cc's adder: the multiply's step (cc + (r0 ? b : 0), shifted) or the recount's cc + 1
    wire          mul_on = state == S_MUL;
    wire [BW:0]   cc_sum = {1'b0, cc} + (mul_on ? (mul_r[0] ? {1'b0, mul_b} : {(BW+1){1'b0}}) : {{BW{1'b0}}, 1'b1});
    /* verilator lint_on UNUSEDSIGNAL */
    // rx + 1: the next variable (sample) or the end of rx's range (VALUES[2x + 2])
    wire [VW:0]   rx1 = rx + {{VW{1'b0}}, state == S_RG1 || state == S_NEXTV};
    wire          o_left = o < oe && o < nl;       // an occurrence range, clamped to num_literals
    // clause state on pm_q
    wire          cs_sat = pm_q[SW-1];
    wire [8:0]    cs_nt = pm_q[8:0];
    wire          lo_neg = lo_q[OW-1];
    wire [CW-1:0] lo_c = lo_q[CW-1:0];
    wire [VW-1:0] lo_x = lo_q[VW-1:0];
    wire          au_up = rb ^ ac_neg;                   // the occurrence's literal becomes true
    // least break; a tie replaces the earlier candidate on a coin (rng[0])
    wire          cand_better = !bb_v || brk < bb_brk || (brk == bb_brk && rng[0]);   // ties: a coin
    // The move kept: a freebie always; the walk literal (when drawn) from then on; else the least
    // break so far
    wire          walk_here = draw && rem == cc[7:0];   // the walk literal, counted from the end
    wire          cand_take = walk_here || brk == {(CW+1){1'b0}} || (!wl && cand_better);
    wire [1:0]    dec_kind = !bb_v ? 2'd0 : fb ? 2'd1 : wl ? 2'd2 : 2'd3;

    function automatic [MW-1:0] cs_word(input sat, input [NW-1:0] payload);
        cs_word = {MW{1'b0}};
        cs_word[SW-1] = sat;
        cs_word[NW-1:0] = payload;
    endfunction
    function automatic [NW-1:0] nw9(input [8:0] n);
        nw9 = {NW{1'b0}};
        nw9[8:0] = n;
    endfunction
    function automatic [NW-1:0] nwc(input [CW-1:0] n);
        nwc = {NW{1'b0}};
        nwc[CW-1:0] = n;
    endfunction
    function automatic [RW+1:0] pma(input [1:0] region, input [RW-1:0] index);
        pma = {region, index};
    endfunction
    function automatic [RW-1:0] rc(input [CW-1:0] c);
        rc = {RW{1'b0}};
        rc[CW-1:0] = c;
    endfunction
    function automatic [RW-1:0] rv2(input [VW:0] x);        // VALUES index 2x
        rv2 = {RW{1'b0}};
        rv2[VW+1:0] = {x, 1'b0};
    endfunction
    function automatic [OW-1:0] low(input neg, input [LX-1:0] payload);
        low = {neg, payload};
    endfunction
    function automatic [LX-1:0] lxv(input [VW-1:0] x);
        lxv = {LX{1'b0}};
        lxv[VW-1:0] = x;
    endfunction
    function automatic [LX-1:0] lxc(input [CW-1:0] c);
        lxc = {LX{1'b0}};
        lxc[CW-1:0] = c;
    endfunction
    function automatic [PW-1:0] slot(input [VW-1:0] x, input b);   // value slot 2x + b
        slot = {PW{1'b0}};
        slot[VW:0] = {x, b};
    endfunction
    function automatic [MW-1:0] mwl(input [LW:0] n);
        mwl = {MW{1'b0}};
        mwl[LW:0] = n;
    endfunction
    function automatic [MW-1:0] mwc(input [CW-1:0] n);
        mwc = {MW{1'b0}};
        mwc[CW-1:0] = n;
    endfunction
    function automatic [BW-1:0] bwc(input [CW:0] n);
        bwc = {BW{1'b0}};
        bwc[CW:0] = n;
    endfunction
    function automatic [BW-1:0] bw9(input [8:0] n);
        bw9 = {BW{1'b0}};
        bw9[8:0] = n;
    endfunction

    always @(posedge clk) begin
        if (lo_we) lo[lo_a] <= lo_wd;
        else lo_q <= lo[lo_a];
        if (pm_we) pm[pm_a] <= pm_wd;
        else pm_q <= pm[pm_a];
`ifndef SYNTHESIS
        // SB_SPRAM256KA's model leaves DATAOUT undefined after a write: nothing may rely on it
        if (lo_we) lo_q <= {OW{1'bx}};
        if (pm_we) pm_q <= {MW{1'bx}};
`endif
        ln_q <= cl_len[ln_ra];
        if (val_we) val[rx[VW-1:0]] <= val_wd;
        val_q <= val[val_ra];
        pr_q <= prior[pr_ra];
    end

    // host writes: tables while idle (VARS words are not stored), the prior always
    wire          idle = state == S_IDLE;
    wire [31:0]   wa = s_wr_addr;
    wire          w_tab = wr_fire && idle;
    wire          w_cl = w_tab && s_wr_section == 3'd1 && wa[31:CW] == 0;
    wire          w_li = w_tab && s_wr_section == 3'd2 && wa[31:LW] == 0;
    wire          w_vs = w_tab && s_wr_section == 3'd3 && wa[31:PW+1] == 0;
    wire          w_oc = w_tab && s_wr_section == 3'd4 && wa[31:LW] == 0;
    wire          w_pr = wr_fire && s_wr_section == 3'd5 && wa[31:PW] == 0;
    always @(posedge clk) begin
        if (w_cl) cl_len[wa[CW-1:0]] <= s_wr_data[31:24];
        if (w_pr) prior[wa[PW-1:0]] <= s_wr_data[7:0];
    end

    // ---------------------------------------------------------------- memory ports
    always @(*) begin
        // lo: literals (eval) or occurrences
        lo_we = w_li || w_oc;
        lo_wd = low(s_wr_data[31], w_oc ? lxc(s_wr_data[CW-1:0]) : lxv(s_wr_data[8 +: VW]));
        lo_a = state == S_EV0 ? {1'b0, lp} : {1'b1, o[LW-1:0]};
        if (ld_own) lo_a = {1'b0, ld_li_addr};
        if (lo_we) lo_a = {w_oc, wa[LW-1:0]};

        // pm
        pm_we = 1'b0;
        pm_wd = cs_word(1'b0, nwc(ucount[CW-1:0]));
        pm_a = pma(R_CS, rc(cc[CW-1:0]));
        case (state)
            S_CLR0: begin                                          // cs[c] = {0, c}
                pm_we = cc[CW:0] < nc;
                pm_wd = mwc(cc[CW-1:0]);
            end
            S_CLR1: begin                                          // list[c] = c
                pm_we = 1'b1;
                pm_a = pma(R_UL, rc(cc[CW-1:0]));
                pm_wd = mwc(cc[CW-1:0]);
            end
            S_APP: begin
                pm_we = 1'b1;
                pm_a = pma(R_UL, rc(ucount[CW-1:0]));
                pm_wd = mwc(cc[CW-1:0]);
            end
            S_PICK2: pm_a = pma(R_UL, rc(cc[CW-1:0]));
            S_PICK3: pm_a = pma(R_CL, rc(pm_q[CW-1:0]));
            S_RG0, S_RG1: pm_a = pma(R_VS, rv2(rx1));
            S_EVW, S_AC: pm_a = pma(R_CS, rc(lo_c));
            S_AU:
                if (init && !au_up) ;                              // restart: true literals only
                else if (cs_sat && (au_up || cs_nt != 9'd1)) begin
                    pm_we = 1'b1;
                    pm_wd = cs_word(1'b1, nw9(cs_nt + {{8{!au_up}}, 1'b1}));
                end else if (cs_sat) pm_we = 1'b1;                 // 1 -> 0: {0, count}
            S_RM0: pm_a = pma(R_UL, rc(ucount[CW-1:0]));          // the tail (count already less one)
            S_RM1: begin                                           // pm_q: the tail, now at pos_r
                pm_we = 1'b1;
                pm_a = pma(R_CS, rc(pm_q[CW-1:0]));
                pm_wd = cs_word(1'b0, nwc(pos_r));
            end
            S_RM2: begin
                pm_we = 1'b1;
                pm_wd = cs_word(1'b1, nw9(9'd1));
            end
            S_RM3: begin                                           // the tail at pos_r
                pm_we = 1'b1;
                pm_a = pma(R_UL, rc(cc[CW-1:0]));
                pm_wd = mwc(tail);
            end
            default: ;
        endcase
        if (pz) pm_a = pma(dbg_sel == 3'd5 ? R_UL : R_CS, dbg_addr[RW-1:0]);
        if (ld_own) pm_a = pma(R_CL, rc(ld_cl_addr));
        if (w_cl || w_vs) begin
            pm_we = 1'b1;
            pm_a = pma(w_vs ? R_VS : R_CL, wa[RW-1:0]);
            pm_wd = mwl(s_wr_data[LW:0]);
        end

        ln_ra = ld_own ? ld_cl_addr : pm_q[CW-1:0];

        val_ra = pz ? dbg_addr[VW-1:0] : sol_rd_var;
        val_we = state == S_RG0 && ap;
        val_wd = rb;
        pr_ra = slot(rx[VW-1:0], state == S_SAMP0 ? 1'b0 : state == S_SAMP1 ? 1'b1 : rb);
    end

    assign sol_rd_val = {7'd0, val_q};
    reg [VW-1:0] ld_va_r;
    always @(posedge clk) ld_va_r <= ld_va_addr;
    assign ld_va_q = {8'd1, slot(ld_va_r, 1'b0)};
    assign ld_cl_q = {ln_q, pm_q[LW-1:0]};
    assign ld_li_q = {lo_q[OW-1], lo_q[VW-1:0], 8'd1};

    // ---------------------------------------------------------------- debug reads
    reg [31:0] dbg_reg;
    always @(*) begin
        case (dbg_addr[3:0])
            4'd0: dbg_reg = {{(31-CW){1'b0}}, ucount};
            4'd1: dbg_reg = {{(32-CW){1'b0}}, mv_clause};
            4'd2: dbg_reg = {{(32-VW){1'b0}}, mv_x};
            4'd3: dbg_reg = {31'd0, !mv_b};
            4'd4: dbg_reg = {31'd0, mv_b};
            4'd5: dbg_reg = {{(31-CW){1'b0}}, mv_brk};
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
    always @(posedge clk) begin
        dbg_sel1 <= dbg_sel;
        dbg_reg1 <= dbg_reg;
    end
    always @(*) begin
        case (dbg_sel1)
            3'd0: dbg_data = {31'd0, val_q};
            3'd3: dbg_data = {23'd0, cs_sat ? cs_nt : 9'd0};
            3'd5, 3'd6: dbg_data = {{(32-CW){1'b0}}, pm_q[CW-1:0]};
            3'd7: dbg_data = dbg_reg1;
            default: dbg_data = 32'd0;
        endcase
    end

    // ---------------------------------------------------------------- counters
    // Each written so that its clear is the flip-flop's enable-qualified synchronous reset (the
    // clear wins): one LUT a bit, none for the clear.
    wire st_clr = rst || start;                             // since the last start
    wire cyc_en = state != S_IDLE && state != S_PAUSE;
    wire r_clr = state == S_RESTART;                        // since the restart
    wire flip_en = state == S_DEC;
    wire settle = state == S_SETTLE;
    always @(posedge clk) begin
        if (st_clr || cyc_en) st_cycles <= st_clr ? 64'd0 : st_cycles + 64'd1;
        if (st_clr || flip_en) st_flips <= st_clr ? 64'd0 : st_flips + 64'd1;
        if (st_clr || r_clr) st_restarts <= st_clr ? 32'd0 : st_restarts + 32'd1;
        if (r_clr || cyc_en) rcycles <= r_clr ? 32'd0 : rcycles + 32'd1;
        if (r_clr || flip_en) rflips <= r_clr ? 32'd0 : rflips + 32'd1;
        if (st_clr || settle) ust <= st_clr ? {(CW+1){1'b0}} : ucount;
        if (st_clr || (settle && ucount < ubest)) ubest <= st_clr ? {(CW+1){1'b1}} : ucount;
        if (st_clr || settle) ubest_none <= st_clr;
    end
    // sizes, clamped: an over-range size is the flip-flops' reset to 0 below a set top bit
    wire v_over = cfg_num_vars[31:VW] != 0;
    wire c_over = cfg_num_clauses[31:CW] != 0;
    wire l_over = cfg_num_literals[31:LW] != 0;
    always @(posedge clk)
        if (start) begin
            nv <= {v_over, v_over ? {VW{1'b0}} : cfg_num_vars[VW-1:0]};
            nc <= {c_over, c_over ? {CW{1'b0}} : cfg_num_clauses[CW-1:0]};
            nl <= {l_over, l_over ? {LW{1'b0}} : cfg_num_literals[LW-1:0]};
            budget <= s_cmd_flip_budget;
            noise <= s_cmd_noise;
        end

    // ---------------------------------------------------------------- the state machine
    always @(posedge clk) begin
        e1 <= 1'b0;
        e2 <= e1;
        e2neg <= lo_neg;

        case (state)
            S_IDLE: ;
            S_RESTART: begin
                rx <= {(VW+1){1'b0}};
                cc <= {BW{1'b0}};
                ucount <= {(CW+1){1'b0}};
                ap <= 1'b1;
                init <= 1'b1;
                state <= S_CLR0;
            end
            // every clause unsatisfied, listed in order
            S_CLR0: state <= cc[CW:0] < nc ? S_CLR1 : nv == {(VW+1){1'b0}} ? S_SETTLE : S_SAMP0;
            S_CLR1: begin
                cc <= cc_sum[BW-1:0];
                ucount <= ucount + 1'b1;
                state <= S_CLR0;
            end
            // sample: prior[2x] read in S_SAMP0, prior[2x + 1] in S_SAMP1; val[x] written in S_RG0,
            // then x's occurrences walked (true literals only), S_NEXTV the next variable
            S_SAMP0: state <= S_SAMP1;
            S_SAMP1: begin
                s0 <= score;
                ok0 <= pr_q != 8'd0;
                state <= S_SAMP2;
            end
            S_SAMP2: begin
                rb <= pr_q != 8'd0 && (!ok0 || $signed(score) > $signed(s0));
                state <= S_RG0;
            end
            S_NEXTV: begin
                rx <= rx1;
                state <= rx1 < nv ? S_SAMP0 : S_SETTLE;
            end
            // after a recount or a flip
            S_SETTLE: begin
                init <= 1'b0;
                state <= dbg_step ? S_PAUSE : S_CHECK;
            end
            S_PAUSE:
                if (dbg_go[0] || !dbg_step) state <= S_CHECK;
            S_CHECK:
                if (ucount == {(CW+1){1'b0}}) begin
                    m_sol_valid <= 1'b1;
                    sol_flips <= rflips;
                    sol_cycles <= rcycles;
                    state <= S_SOL;
                end else if (budget != 32'd0 && rflips == budget) state <= S_RESTART;
                else begin                         // the pick: index = r16 * count >> 16
                    mul_r <= rng[15:0];
                    mul_b <= bwc(ucount);
                    cc <= {BW{1'b0}};
                    mi <= 4'd0;
                    mul_walk <= 1'b0;
                    draw <= rng[23:16] < noise;
                    state <= S_MUL;
                end
            S_SOL:
                if (m_sol_ready) begin
                    m_sol_valid <= 1'b0;
                    state <= S_RESTART;
                end
            S_MUL: begin
                cc <= cc_sum[BW:1];
                mul_r <= mul_r >> 1;
                mi <= mi + 4'd1;
                if (mi == 4'd15) state <= mul_walk ? S_EV0 : S_PICK2;
            end
            S_PICK2: state <= S_PICK3;             // pm: the list entry
            S_PICK3: begin                         // pm_q: the clause; its start and length read
                pk_clause <= pm_q[CW-1:0];
                state <= S_PICK4;
            end
            S_PICK4: begin
                lp <= pm_q[LW-1:0];
                rem <= ln_q;
                bb_v <= 1'b0;
                wl <= 1'b0;
                fb <= 1'b0;
                ap <= 1'b0;
                if (draw) begin                    // the walk literal: r16 * length >> 16
                    mul_r <= rng[15:0];
                    mul_b <= bw9({1'b0, ln_q} + 9'd1);
                    cc <= {BW{1'b0}};
                    mi <= 4'd0;
                    mul_walk <= 1'b1;
                    state <= S_MUL;
                end else state <= S_EV0;
            end
            // eval: literal lp (rem more after it) -> its variable and move -> range -> break
            S_EV0: state <= S_EV1;
            S_EV1: begin
                rx <= {1'b0, lo_x};
                rb <= !lo_neg;
                state <= S_RG0;
            end
            S_RG0: state <= S_RG1;                 // pm: VALUES[2x]; prior of the new value (apply: val written)
            S_RG1: begin
                o <= pm_q[LW:0];
                ok <= pr_q != 8'd0;
                state <= S_RG2;
            end
            S_RG2: begin                           // pm_q: VALUES[2x + 2]
                oe <= pm_q[LW:0];
                brk <= {(CW+1){1'b0}};
                if (ap) state <= S_AO;
                else if (ok) state <= S_EVW;
                else if (rem == 8'd0) state <= S_DEC;
                else begin
                    lp <= lp + 1'b1;
                    rem <= rem - 8'd1;
                    state <= S_EV0;
                end
            end
            S_EVW: begin                           // one occurrence a cycle: lo, then pm (cs)
                if (o_left) begin
                    o <= o + 1'b1;
                    e1 <= 1'b1;
                end
                if (e2 && cs_sat && cs_nt == 9'd1 && (rb == e2neg)) brk <= brk + 1'b1;
                if (!o_left && !e1 && !e2) state <= S_EVD;
            end
            S_EVD: begin                           // the candidate x := rb with break brk
                if (cand_take) begin
                    bb_v <= 1'b1;
                    bb_brk <= brk;
                    bb_x <= rx[VW-1:0];
                    bb_b <= rb;
                end
                if (walk_here) wl <= 1'b1;
                if (brk == {(CW+1){1'b0}}) begin
                    fb <= 1'b1;
                    state <= S_DEC;
                end else if (rem == 8'd0) state <= S_DEC;
                else begin
                    lp <= lp + 1'b1;
                    rem <= rem - 8'd1;
                    state <= S_EV0;
                end
            end
            S_DEC: begin                           // the move; its range next (val written in S_RG0)
                mv_kind <= dec_kind;
                mv_clause <= pk_clause;
                mv_x <= bb_x;
                mv_b <= bb_b;
                mv_brk <= bb_brk;
                rx <= {1'b0, bb_x};
                rb <= bb_b;
                ap <= 1'b1;
                state <= bb_v ? S_RG0 : S_SETTLE;
            end
            // apply: each occurrence of x (lo: S_AU presents the next), its clause state (pm),
            // the list
            S_AO: begin                            // the first occurrence
                if (o_left) o <= o + 1'b1;
                state <= o_left ? S_AC : init ? S_NEXTV : S_SETTLE;
            end
            S_AC: begin
                cc <= {{(BW-CW){1'b0}}, lo_c};
                ac_neg <= lo_neg;
                state <= S_AU;
            end
            S_AU:                                  // pm_q: the clause's state
                if (au_up && !cs_sat && ucount != {(CW+1){1'b0}}) begin
                    pos_r <= pm_q[CW-1:0];         // 0 -> 1: swap-remove, the tail read next
                    ucount <= ucount - 1'b1;
                    state <= S_RM0;
                end else if (!init && !au_up && cs_sat && cs_nt == 9'd1) state <= S_APP;   // 1 -> 0
                else begin
                    if (o_left) o <= o + 1'b1;
                    state <= o_left ? S_AC : init ? S_NEXTV : S_SETTLE;
                end
            S_APP: begin
                ucount <= ucount + 1'b1;
                if (o_left) o <= o + 1'b1;
                state <= o_left ? S_AC : init ? S_NEXTV : S_SETTLE;
            end
            S_RM0: state <= S_RM1;
            S_RM1: begin
                tail <= pm_q[CW-1:0];
                state <= S_RM2;
            end
            S_RM2: begin
                cc <= {{(BW-CW){1'b0}}, pos_r};
                state <= S_RM3;
            end
            S_RM3: begin
                if (o_left) o <= o + 1'b1;
                state <= o_left ? S_AC : init ? S_NEXTV : S_SETTLE;
            end
            default: state <= S_IDLE;
        endcase

        dbg_paused[0] <= settle ? dbg_step : pz && !dbg_go[0];

        if (cmd_fire) begin
            m_sol_valid <= 1'b0;
            dbg_paused[0] <= 1'b0;
            state <= s_cmd_stop ? S_IDLE : S_RESTART;
        end
        searching <= state != S_IDLE;
        if (cmd_fire) searching <= !s_cmd_stop;
        if (rst) begin
            state <= S_IDLE;
            searching <= 1'b0;
            m_sol_valid <= 1'b0;
            dbg_paused <= 1'b0;
        end
    end
endmodule

`default_nettype wire
