// The device's local-search engine (docs/search.md: tables, algorithm, ports): CHAINS independent
// chains (search_chain) over one set of problem tables (search_tables).
//
// Chains: chain i starts with seed s_cmd_seed ^ (i * 0x9E3779B9) (chain 0 with the seed itself)
// and keeps its own assignment, counts, unsat list, PRNG, prior copy (prior bytes go to every
// copy), restarts and flip counters. All start and stop together (s_cmd). A chain with a solution
// offers it on m_sol_*; when several do, the lowest index goes first and the owner stays granted
// until m_sol_ready (sol_rd_var, sol_flips, sol_cycles are the owner's); the others wait with
// their state held and go on after their turn. Status: st_flips and st_restarts are sums over
// the chains, st_cycles is the core's (chain 0's), st_unsat and st_best_unsat the least over
// the chains.
//
//
// Multi-valued WalkSAT/SKC over value literals. State: val[x]; per clause ntrue and crit (the
// XOR of the words of its true literals); per variable brk_all, per value slot brk_ne
// (search_breaks); the list of unsatisfied clauses (search_unsat). A restart draws every
// variable by Gumbel-max from the prior (search_gumbel) and recounts every clause; a flip picks
// an unsatisfied clause, scores its candidate moves, and applies one by walking the occurrence
// lists of the old and the new value slot. search_engine puts this core on the link.
//
// Ports (valid/ready: a word moves on an edge where both are high; a source holds valid and its
// payload until then):
//   cfg_num_*       sizes; sampled when a start is accepted (each clamped to its MAX_*).
//   s_wr_*          one table word (sections 0..4, docs/search.md layout) or one prior byte
//                   (section 5, s_wr_data[7:0] at slot s_wr_addr). Always ready. Table words are
//                   written only while idle (dropped while searching); prior bytes at any time,
//                   and a restart samples whatever the prior holds then (moves read it live
//                   too: a value whose prior became 0 is never moved to). Addresses at or past
//                   a memory's size are dropped; sections 6 and 7 are ignored.
//   s_cmd_*         always ready. stop = 0: (re)start with seed, flip budget (flips per restart,
//                   0 = never restart on count) and noise (random-walk probability in 256ths);
//                   the counters restart. stop = 1: abandon everything; idle from the next cycle.
//                   Either command withdraws a pending m_sol_valid (the one exception to R1: the
//                   owner of s_cmd asked for it); val stays readable while idle.
//   m_sol_valid     no clause unsatisfied: the state is held (sol_rd_var reads it) until the edge
//                   with m_sol_ready, then the chain restarts.
//   sol_rd_var      val[sol_rd_var] on sol_rd_val one cycle later (meaningful while m_sol_valid
//                   or idle).
//   sol_flips, sol_cycles   flips and cycles since the restart, set with m_sol_valid.
//   searching       a search is running (also while paused or waiting on m_sol_ready).
//   st_*            since the last start: flips (steps: a pick whose clause has no move counts),
//                   cycles (not counting debug pauses), restarts (start states drawn, the first
//                   included), unsat (unsatisfied clauses after the last flip or recount),
//                   best_unsat (the least of those).
//   dbg_*           testbench port (search_engine ties the inputs to 0), per chain: dbg_go and
//                   dbg_paused have one bit a chain; dbg_chain selects whose dbg_data (held).
//                   dbg_step (every chain): pause once after every restart (sample and recount) and every flip,
//                   where the state is final and the timing up to the pause is that of a run
//                   without pauses: before the next flip's decision (its clause picked and its
//                   moves scored, no state changed yet), or before a solution or a budget
//                   restart. dbg_paused is high while paused; a cycle with dbg_go resumes.
//                   dbg_sel/dbg_addr -> dbg_data one cycle later, while paused, idle or
//                   offering a solution:
//                     0 val[addr]          1 brk_all[addr]      2 brk_ne[addr]
//                     3 ntrue[addr]        4 crit[addr]         5 unsat list entry [addr]
//                     6 unsat position of clause [addr]         7 register [addr]:
//                       0 unsat count, 1 clause the last flip picked, 2 its move's variable,
//                       3 old value, 4 new value, 5 the move's break, 6 kind (0 no move, 1 freebie,
//                       2 random walk, 3 least break), 7 flips since the restart, 8 cycles since
//                       the restart, 9 this chain's restarts, 10 its flips (low word), 11 its
//                       unsat count (st_unsat's term)
//   ld_*            search_engine's table reads: while ld_own, ld_va_addr, ld_cl_addr, ld_li_addr
//                   read VARS, CLAUSES and LITERALS as stored, on ld_*_q one cycle later, through
//                   the granted chain's own ports. Used by the table loader (search_loader, every
//                   chain idle: chain 0) and by the proof (search_clause_check, while a chain
//                   offers m_sol_valid: that chain, which reads nothing while it waits).
//
// PRNG: xorshift32 (x ^= x << 13; x ^= x >> 17; x ^= x << 5), seeded at start (seed 0 becomes
// 0x2545F491), stepped every cycle while searching; its bits: [31:24] Gumbel index, [23:16]
// the noise draw, [15:0] the pick (index = r16 * count >> 16) and the walk literal, [7:0] the
// tie-break key of a candidate (among moves of equal break the one with the least key wins).
//
// Pipelines (one entry per cycle; the RAMs have registered reads):
//   sample    var fetch -> slots: prior read, Gumbel score, argmax -> val write
//   recount   clause fetch -> literal read -> val read -> ntrue/crit per clause -> counts
//   eval      ulist read -> clause read -> literal read -> val/vars/brk_all read -> literal
//             FIFO -> one candidate value a cycle: prior/brk_ne read -> best and walk moves
//   decide    in the cycle the last candidate is scored: freebie, else walk with noise/256,
//             else least break; val write and both slots' occurrence ranges read
//   apply     occurrence read (slot a's, then b's) -> clause-state read -> ntrue/crit update (the
//             update right behind one to the same clause takes its result: R3) -> unsat list
//             operation (search_unsat) and a break update of the sole true literal before or
//             after (vars read for a negative literal's slot -> search_breaks)
//   settle    once the unsat queue is empty the next pick reads the list; its literal fetch
//             waits for the last break update (ev_issue), a pause, solution or restart for all
// Cycles per flip: about 12 + one per candidate move + one per occurrence of the two slots
// (random 3-SAT 250/1065: 25.6; colouring 250 x 3: 26.7; 200 x 8 with
// 4000 edges, 80 occurrences a flip: 111). A restart takes about num_values + num_literals.
// Every loop is bounded by a size: sizes clamped to MAX_*, occurrence ranges clamped to
// num_literals, clause and domain lengths at most 256; every read address is masked.
`default_nettype none

module search_core #(
    parameter integer CHAINS = 1,              // chains, 1 .. 64
    parameter integer MAX_VARS = 16384,        // variables (power of two, at most 2^22)
    parameter integer MAX_VALUES = 65536,      // value slots (power of two, 2^9 .. 2^24)
    parameter integer MAX_CLAUSES = 1 << 20,   // clauses (power of two, at most 2^30)
    parameter integer MAX_LITERALS = 1 << 21   // literals = occurrences (power of two, at most 2^24)
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire [31:0]                   cfg_num_vars,
    input  wire [31:0]                   cfg_num_values,
    input  wire [31:0]                   cfg_num_clauses,
    input  wire [31:0]                   cfg_num_literals,
    input  wire                          s_wr_valid,
    output reg                           s_wr_ready,
    input  wire [2:0]                    s_wr_section,
    input  wire [31:0]                   s_wr_addr,
    input  wire [31:0]                   s_wr_data,
    input  wire                          s_cmd_valid,
    output reg                           s_cmd_ready,
    input  wire                          s_cmd_stop,
    input  wire [31:0]                   s_cmd_seed,
    input  wire [31:0]                   s_cmd_flip_budget,
    input  wire [7:0]                    s_cmd_noise,
    output wire                          m_sol_valid,
    input  wire                          m_sol_ready,
    input  wire [$clog2(MAX_VARS)-1:0]   sol_rd_var,
    output wire [7:0]                    sol_rd_val,
    output wire [31:0]                   sol_flips,
    output wire [31:0]                   sol_cycles,
    output wire                          searching,
    output reg  [63:0]                   st_flips,
    output wire [63:0]                   st_cycles,
    output reg  [31:0]                   st_restarts,
    output reg  [31:0]                   st_unsat,
    output reg  [31:0]                   st_best_unsat,
    input  wire                          dbg_step,
    input  wire [CHAINS-1:0]             dbg_go,
    output wire [CHAINS-1:0]             dbg_paused,
    input  wire [5:0]                    dbg_chain,
    input  wire [2:0]                    dbg_sel,
    input  wire [31:0]                   dbg_addr,
    output wire [31:0]                   dbg_data,
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
    localparam integer WW = VW + 9;
    localparam integer IW = CHAINS > 1 ? $clog2(CHAINS) : 1;

    generate
        if (CHAINS < 1 || CHAINS > 64) begin : g_bad_chains
            SEARCH_CORE_CHAINS_1_TO_64 unsupported ();
        end
    endgenerate

    wire cmd_fire = s_cmd_valid && s_cmd_ready;
    wire wr_fire = s_wr_valid && s_wr_ready;
    always @(posedge clk) begin
        s_wr_ready <= !rst;
        s_cmd_ready <= !rst;
    end

    // ---------------------------------------------------------------- the chains' ports
    wire [CHAINS-1:0]          c_idle, c_sol_valid, c_searching;
    wire [CHAINS*VW-1:0]       va_addr, vb_addr;
    wire [CHAINS*(PW+8)-1:0]   va_q, vb_q;
    wire [CHAINS*CW-1:0]       cl_addr;
    wire [CHAINS*(LW+8)-1:0]   cl_q;
    wire [CHAINS*LW-1:0]       li_addr, oc_addr;
    wire [CHAINS*WW-1:0]       li_q;
    wire [CHAINS*PW-1:0]       pa_addr, pb_addr;
    wire [CHAINS*(LW+1)-1:0]   sa_q, ea_q, sb_q, eb_q;
    wire [CHAINS*(CW+1)-1:0]   oc_q;
    wire [CHAINS*8-1:0]        c_sol_val;
    wire [CHAINS*32-1:0]       c_sol_flips, c_sol_cycles, c_restarts, c_unsat, c_best, c_dbg;
    wire [CHAINS*64-1:0]       c_flips;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [CHAINS*64-1:0]       c_cycles;     // chain 0's is the core's
    /* verilator lint_on UNUSEDSIGNAL */

    // ---------------------------------------------------------------- solution grant
    reg           locked;
    reg  [IW-1:0] owner, low;
    integer       j;
    always @(*) begin
        low = {IW{1'b0}};
        for (j = CHAINS - 1; j >= 0; j = j - 1)
            if (c_sol_valid[j]) low = j[IW-1:0];
    end
    wire [IW-1:0] grant = locked ? owner : low;
    assign m_sol_valid = c_sol_valid[grant];
    assign sol_rd_val = c_sol_val[grant*8 +: 8];
    assign sol_flips = c_sol_flips[grant*32 +: 32];
    assign sol_cycles = c_sol_cycles[grant*32 +: 32];
    always @(posedge clk) begin
        locked <= m_sol_valid && !m_sol_ready && !cmd_fire && !rst;
        owner <= grant;
    end

    // search_engine's reads (ld_own) take the granted chain's port A of VARS, CLAUSES and
    // LITERALS: the same registered read, one cycle. With no solution on offer (the loader's
    // case: every chain idle) the grant is chain 0; while one is, it stays on that chain.
    reg  [CHAINS*VW-1:0] va_addr_t;
    reg  [CHAINS*CW-1:0] cl_addr_t;
    reg  [CHAINS*LW-1:0] li_addr_t;
    integer              m;
    always @(*) begin
        va_addr_t = va_addr;
        cl_addr_t = cl_addr;
        li_addr_t = li_addr;
        for (m = 0; m < CHAINS; m = m + 1)
            if (ld_own && grant == m[IW-1:0]) begin
                va_addr_t[m*VW +: VW] = ld_va_addr;
                cl_addr_t[m*CW +: CW] = ld_cl_addr;
                li_addr_t[m*LW +: LW] = ld_li_addr;
            end
    end
    assign ld_va_q = va_q[grant*(PW+8) +: PW+8];
    assign ld_cl_q = cl_q[grant*(LW+8) +: LW+8];
    assign ld_li_q = li_q[grant*WW +: WW];

    search_tables #(
        .CHAINS(CHAINS), .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
        .MAX_LITERALS(MAX_LITERALS)
    ) tables (
        .clk(clk), .we(wr_fire && &c_idle), .wr_section(s_wr_section), .wr_addr(s_wr_addr),
        .wr_data(s_wr_data),
        .va_addr(va_addr_t), .va_q(va_q), .vb_addr(vb_addr), .vb_q(vb_q), .cl_addr(cl_addr_t), .cl_q(cl_q),
        .li_addr(li_addr_t), .li_q(li_q), .pa_addr(pa_addr), .pb_addr(pb_addr),
        .sa_q(sa_q), .ea_q(ea_q), .sb_q(sb_q), .eb_q(eb_q), .oc_addr(oc_addr), .oc_q(oc_q));

    // ---------------------------------------------------------------- status
    assign searching = |c_searching;
    assign st_cycles = c_cycles[63:0];
    always @(*) begin
        st_flips = 64'd0;
        st_restarts = 32'd0;
        st_unsat = 32'hFFFFFFFF;
        st_best_unsat = 32'hFFFFFFFF;
        for (j = 0; j < CHAINS; j = j + 1) begin
            st_flips = st_flips + c_flips[j*64 +: 64];
            st_restarts = st_restarts + c_restarts[j*32 +: 32];
            if (c_unsat[j*32 +: 32] < st_unsat) st_unsat = c_unsat[j*32 +: 32];
            if (c_best[j*32 +: 32] < st_best_unsat) st_best_unsat = c_best[j*32 +: 32];
        end
    end
    localparam [31:0] NCH32 = CHAINS;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0]   dbg_c32 = {26'd0, dbg_chain};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [IW-1:0] dbg_i = dbg_c32 >= NCH32 ? {IW{1'b0}} : dbg_c32[IW-1:0];
    assign dbg_data = c_dbg[dbg_i*32 +: 32];

    // ---------------------------------------------------------------- the chains
    localparam [31:0] GOLDEN = 32'h9E3779B9;
    localparam integer PWL = PW;
    genvar i;
    generate
        for (i = 0; i < CHAINS; i = i + 1) begin : g_chain
            localparam [31:0] SALT = GOLDEN * i;
            search_chain #(
                .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
                .MAX_LITERALS(MAX_LITERALS)
            ) chain (
                .clk(clk), .rst(rst),
                .cfg_num_vars(cfg_num_vars), .cfg_num_values(cfg_num_values),
                .cfg_num_clauses(cfg_num_clauses), .cfg_num_literals(cfg_num_literals),
                .pr_we(wr_fire && s_wr_section == 3'd5 && s_wr_addr < MAX_VALUES),
                .pr_waddr(s_wr_addr[PWL-1:0]), .pr_wdata(s_wr_data[7:0]),
                .cmd_fire(cmd_fire), .cmd_stop(s_cmd_stop), .cmd_seed(s_cmd_seed ^ SALT),
                .cmd_flip_budget(s_cmd_flip_budget), .cmd_noise(s_cmd_noise),
                .idle(c_idle[i]),
                .va_addr(va_addr[i*VW +: VW]), .va_q(va_q[i*(PW+8) +: PW+8]),
                .vb_addr(vb_addr[i*VW +: VW]), .vb_q(vb_q[i*(PW+8) +: PW+8]),
                .cl_addr(cl_addr[i*CW +: CW]), .cl_q(cl_q[i*(LW+8) +: LW+8]),
                .li_addr(li_addr[i*LW +: LW]), .li_q(li_q[i*WW +: WW]),
                .pa_addr(pa_addr[i*PW +: PW]), .pb_addr(pb_addr[i*PW +: PW]),
                .sa_q(sa_q[i*(LW+1) +: LW+1]), .ea_q(ea_q[i*(LW+1) +: LW+1]),
                .sb_q(sb_q[i*(LW+1) +: LW+1]), .eb_q(eb_q[i*(LW+1) +: LW+1]),
                .oc_addr(oc_addr[i*LW +: LW]), .oc_q(oc_q[i*(CW+1) +: CW+1]),
                .m_sol_valid(c_sol_valid[i]), .m_sol_ready(m_sol_ready && grant == i),
                .sol_rd_var(sol_rd_var), .sol_rd_val(c_sol_val[i*8 +: 8]),
                .sol_flips(c_sol_flips[i*32 +: 32]), .sol_cycles(c_sol_cycles[i*32 +: 32]),
                .searching(c_searching[i]),
                .st_flips(c_flips[i*64 +: 64]), .st_cycles(c_cycles[i*64 +: 64]),
                .st_restarts(c_restarts[i*32 +: 32]), .st_unsat(c_unsat[i*32 +: 32]),
                .st_best_unsat(c_best[i*32 +: 32]),
                .dbg_step(dbg_step), .dbg_go(dbg_go[i]), .dbg_paused(dbg_paused[i]), .dbg_sel(dbg_sel),
                .dbg_addr(dbg_addr), .dbg_data(c_dbg[i*32 +: 32]));
        end
    endgenerate
endmodule

`default_nettype wire
