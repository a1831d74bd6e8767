// Device search on the link: search_core (the local-search engine, docs/search.md) behind the
// same request and reply ports as validator_engine, plus a port on which it borrows the
// validator to prove each solution.
//
//   requests (from link_dispatch, kinds 9..15; fields f1..f6, the bytes field read through
//   req_addr -> req_data one cycle later; req_ready pulses with the reply's rep_ready, so the
//   replies keep the order of the requests):
//     SearchBegin   stop any search, drop the tables, check the sizes (ERROR_SEARCH_CAPACITY,
//                   arg the Limit 5..8), set the core's sizes, start the table CRC; Ack
//     SearchChunk   one of the two streams of docs/search.md "Wire form" (section 0 VARS, 1
//                   CLAUSES) at a byte offset. Checks (ERROR_SEARCH_STATE arg 4 searching, 1 no
//                   load in progress, 3 unknown section or VARS bytes past num_vars, 6 a byte
//                   past the section's decode point: a gap, or CLAUSES before every VARS byte);
//                   then the bytes past the decode point go to search_loader (which writes the
//                   core's tables, and each variable's index width to the packer's width table)
//                   and into the CRC; bytes before it are ignored (a chunk sent again after a
//                   lost reply changes nothing). Ack, or ERROR_SEARCH_TABLE (tables dropped)
//                   when the loader refuses the stream. A refused chunk takes no byte.
//     SearchEnd     arg 4 searching, 1 no load in progress; ERROR_SEARCH_CRC (tables dropped);
//                   else the loader checks the totals and builds VALUES and OCCURRENCES, then
//                   Ack (tables ready) or ERROR_SEARCH_TABLE (tables dropped)
//     Prior         arg 1 without SearchBegin, 3 past num_values; bytes to the core (section 5),
//                   also while searching; Ack
//     SearchStart   arg 1 no tables, 2 tables not ended; ERROR_NO_PROGRAM / ERROR_WRONG_PROGRAM
//                   (arg the loaded id) when the validator does not hold program_id; a running
//                   search is stopped first; counters cleared, core started; Ack
//     SearchStop    stop the core, wait until it is idle; the final SearchStatus
//     SearchStatusRequest  SearchStatus (counters copied when the reply starts, so the halves of
//                   the 64-bit counts agree)
//   clear (Reset, acknowledged by the link): stop the core, drop the tables. A solution being
//   packed is dropped, a candidate in the validator is drained (its verdict discarded), a
//   Solution part on offer to the encoder is finished and the rest of that solution dropped.
//
//   solutions (m_sol_valid, between requests: a waiting request goes first): the packer reads
//   val[x] (sol_rd_var -> sol_rd_val) and the index width of x (from the VARS words), one
//   variable per cycle, into the candidate buffer in the packed layout of
//   docs/validator-program.md; then search_clause_check checks every value's range and every
//   clause of the tables on the held state (through the offering chain's table ports and
//   sol_rd_var; a failure is a reject, docs/search.md "The proof"); then the buffer goes to
//   validator_engine as a Candidate with
//   SearchStart's program_id. The validator is taken only when it is idle (v_free: nothing
//   in flight, no request on its port); while v_own is high hilsolve_top gives it this port
//   and holds the link's requests back, and the validator's reply (Verdict, or Error) comes
//   here instead of to the encoder. ok -> Solution parts of at most MAX_PAYLOAD - 64 value bytes
//   (digest: the verdict's), `solutions` + 1 and, at max_solutions, the core is stopped; not ok
//   or an Error -> `rejects` + 1. Then m_sol_ready.
//
//   VALIDATOR = 0 (a search-only board, no validator beside it): SearchStart does not check a
//   program, and a state the tables prove goes straight to the Solution, its digest the CRC-32 of
//   the packed bytes computed here (S_DIGEST, one byte a cycle), as the validator's Verdict would
//   carry it. The host sends such a device only jobs whose program beside the tables is empty.
//
//   CORE = 1 puts search_lite (one chain, booleans only, small) in place of search_core; the
//   loader then refuses a variable of other than 2 values (ERROR_SEARCH_TABLE arg 10) and
//   HelloReply.search[5] (booleans_only) is 1.
//
// busy is high while a search runs, so the simulator never sleeps under it.
`default_nettype none

module search_engine #(
    parameter integer MAX_PAYLOAD  = 512,      // link frames, a power of two
    parameter integer CHAINS       = 1,
    parameter integer MAX_VARS     = 1024,     // search capacities (powers of two), see search_core
    parameter integer MAX_VALUES   = 4096,
    parameter integer MAX_CLAUSES  = 16384,
    parameter integer MAX_LITERALS = 65536,
    parameter integer CORE         = 0,        // 0 search_core, 1 search_lite (CHAINS 1, booleans only)
    parameter integer VALIDATOR    = 1         // 0: no validator to borrow (below, "solutions")
) (
    input  wire          clk,
    input  wire          rst,
    // Requests from link_dispatch.
    input  wire          req_valid,
    output wire          req_ready,
    input  wire [3:0]    req_kind,
    input  wire [31:0]   req_f1,
    input  wire [31:0]   req_f2,
    input  wire [31:0]   req_f3,
    input  wire [31:0]   req_f4,
    input  wire [31:0]   req_f5,
    input  wire [31:0]   req_f6,
    input  wire [AW:0]   req_len,
    output wire [AW-1:0] req_addr,
    input  wire [7:0]    req_data,
    input  wire          clear,
    // Replies: Ack (4), Solution (5), SearchStatus (6), Error (15).
    output wire          rep_valid,
    input  wire          rep_ready,
    output reg  [3:0]    rep_kind,
    input  wire [3:0]    rep_fld,
    output reg  [31:0]   rep_val,
    input  wire [AW:0]   rep_item,
    output wire [31:0]   rep_item_val,
    // The validator, borrowed for one candidate at a time.
    input  wire          v_free,            // idle, nothing in flight, no request on its port
    output reg           v_own,
    output wire          v_req_valid,       // a Candidate: seq search_seq, program_id, values
    input  wire          v_req_ready,
    output wire [31:0]   v_req_seq,
    output wire [31:0]   v_req_program_id,
    output wire [BW:0]   v_req_len,
    input  wire [BW-1:0] v_req_addr,
    output wire [7:0]    v_req_data,
    input  wire          v_rep_valid,
    output reg           v_rep_ready,
    input  wire [3:0]    v_rep_kind,
    output reg  [3:0]    v_rep_fld,
    input  wire [31:0]   v_rep_val,
    input  wire          v_busy,
    input  wire          v_loaded,
    input  wire [31:0]   v_loaded_id,
    // Capacities (HelloReply.search).
    output wire [31:0]   chains,
    output wire [31:0]   max_vars,
    output wire [31:0]   max_values,
    output wire [31:0]   max_clauses,
    output wire [31:0]   max_literals,
    output wire          booleans_only,     // the engine searches variables of 2 values only
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer BW = VW;                       // candidate buffer: up to MAX_VARS bytes
    localparam integer PART = MAX_PAYLOAD - 64;       // value bytes per Solution part
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    // taken1 (CLAUSES bytes taken) in TW bits: while a load is in progress the loader has
    // refused every byte past the last clause (ERROR_SEARCH_TABLE 7) and every literal past
    // num_literals (8), so the bytes it took hold at most num_literals + 1 clauses (each clause's
    // literals come before the next header) of at most 10 header bits and 1 + VW + 8 bits a
    // literal, plus 17 bits pending: under 5 * 2^LW bytes for VW <= 15, below 2^(LW+3). Counts
    // past that come only from a chunk the loader refuses, whose reply drops the tables (taken1
    // is not compared again before SearchBegin clears it). TN: the width in which the chunk
    // checks compare an offset with the decode points and num_vars.
    localparam integer TW = LW + 4;
    localparam integer TN = TW > VW + 1 ? TW : VW + 1;
    // num_values and a Prior's end, compared in PN + 1 bits.
    localparam integer PN = PW > AW ? PW + 1 : AW + 1;

    generate
        if ((1 << VW) != MAX_VARS || MAX_VARS > 32768 || MAX_VARS < MAX_PAYLOAD || PART < 1
            || TN > 31 || PN > 31)
        begin : g_bad_parameters
            MAX_VARS_POWER_OF_TWO_MAX_PAYLOAD_TO_32K_MAX_PAYLOAD_OVER_64 unsupported ();
        end
    endgenerate

    localparam [3:0] K_BEGIN = 4'd9, K_CHUNK = 4'd10, K_END = 4'd11, K_PRIOR = 4'd12,
                     K_START = 4'd13, K_STOP = 4'd14;
    localparam [3:0] R_ACK = 4'd4, R_SOLUTION = 4'd5, R_STATUS = 4'd6, R_VERDICT = 4'd8,
                     R_ERROR = 4'd15;
    localparam [4:0] E_NO_PROGRAM = 5'd11, E_WRONG_PROGRAM = 5'd12, E_STATE = 5'd16,
                     E_CRC = 5'd17, E_CAPACITY = 5'd18, E_TABLE = 5'd20;   // Error codes, all below 32
    localparam [1:0] T_NONE = 2'd0, T_LOADING = 2'd1, T_READY = 2'd2;
    localparam [31:0] SEED_FOR_ZERO = 32'h2545F491;

    localparam [4:0] S_IDLE = 5'd0, S_REPLY = 5'd1, S_STOP_CMD = 5'd2, S_STOP_WAIT = 5'd3,
                     S_START_CMD = 5'd4, S_BEGIN = 5'd5, S_CHUNK_RD = 5'd6, S_CHUNK_BYTE = 5'd7,
                     S_CHUNK_DRAIN = 5'd8, S_PRIOR_RD = 5'd9, S_PRIOR_BYTE = 5'd10,
                     S_PRIOR_WR = 5'd11, S_PACK = 5'd12, S_PACK_LAST = 5'd13, S_V_WAIT = 5'd14,
                     S_V_RUN = 5'd15, S_SEND = 5'd16, S_SOL_ACK = 5'd17, S_START = 5'd18,
                     S_END_BUILD = 5'd19, S_END_WAIT = 5'd20, S_PROVE = 5'd21, S_DIGEST = 5'd22;
    // What follows a stop.
    localparam [2:0] P_IDLE = 3'd0, P_BEGIN = 3'd1, P_START = 3'd2, P_STATUS = 3'd3,
                     P_SOL_ACK = 3'd4;

    assign chains = CHAINS;
    assign max_vars = MAX_VARS;
    assign max_values = MAX_VALUES;
    assign max_clauses = MAX_CLAUSES;
    assign max_literals = MAX_LITERALS;
    assign booleans_only = CORE != 0;

    // One-hot in synthesis (yosys does not recode it by itself): its many decodes cost less.
    (* fsm_encoding = "one-hot" *)
    reg  [4:0]  state;
    reg  [2:0]  after_stop;
    reg  [1:0]  tables;
    reg         run;                 // a search started and not stopped
    reg         clear_due;
    reg         reply_req;           // the reply answers the request on the port

    // ---------------------------------------------------------------- the core
    // The sizes SearchBegin accepted (each at most its MAX_*, so one bit wider than its index).
    reg  [VW:0] num_vars;
    reg  [PW:0] num_values;
    reg  [CW:0] num_clauses;
    reg  [LW:0] num_literals;
    wire [31:0] cfg_vars = {{(31-VW){1'b0}}, num_vars};
    wire [31:0] cfg_values = {{(31-PW){1'b0}}, num_values};
    wire [31:0] cfg_clauses = {{(31-CW){1'b0}}, num_clauses};
    wire [31:0] cfg_literals = {{(31-LW){1'b0}}, num_literals};
    wire        ld_wr_valid;
    wire [2:0]  ld_wr_section;
    wire [31:0] ld_wr_addr, ld_wr_data;
    wire        s_wr_valid = state == S_PRIOR_WR || ld_wr_valid;
    wire        s_wr_ready;
    reg  [2:0]  wr_section;
    reg  [PW:0] wr_addr;             // a Prior's slot: at most its end, <= num_values (prior_past)
    reg  [7:0]  wr_data;
    wire [2:0]  core_wr_section = ld_wr_valid ? ld_wr_section : wr_section;
    wire [31:0] core_wr_addr = ld_wr_valid ? ld_wr_addr : {{(31-PW){1'b0}}, wr_addr};
    // A prior byte (section 5) is s_wr_data[7:0] alone (search_core's port), so the upper bits
    // are the loader's whoever writes.
    wire [31:0] core_wr_data = {ld_wr_data[31:8], ld_wr_valid ? ld_wr_data[7:0] : wr_data};
    wire            ld_own = tables == T_LOADING;
    wire [VW-1:0]   ld_va_addr;
    wire [PW+7:0]   ld_va_q;
    wire [CW-1:0]   ld_cl_addr;
    wire [LW+7:0]   ld_cl_q;
    wire [LW-1:0]   ld_li_addr;
    wire [VW+8:0]   ld_li_q;
    wire        s_cmd_valid = state == S_STOP_CMD || state == S_START_CMD;
    wire        s_cmd_stop = state == S_STOP_CMD;
    wire        s_cmd_ready;
    // The start command's settings, from SearchStart's fields, which link_dispatch holds until
    // the reply (S_START_CMD is part of that request; the core samples them only when a start
    // is accepted, and a stop command ignores them).
    wire [31:0] cmd_seed = req_f3 == 32'd0 ? SEED_FOR_ZERO : req_f3;
    wire [31:0] cmd_flip_budget = req_f4;
    wire [7:0]  cmd_noise = |req_f5[31:8] ? 8'd255 : req_f5[7:0];
    wire        m_sol_valid;
    wire        m_sol_ready = state == S_SOL_ACK || state == S_STOP_WAIT;
    reg  [VW:0] pk_var;              // next variable the packer reads
    wire [7:0]  sol_rd_val;
    wire [31:0] sol_flips, sol_cycles;
    wire        searching;
    wire [63:0] st_flips, st_cycles;
    wire [31:0] st_restarts, st_unsat, st_best_unsat;

    // The proof's reads (search_clause_check, below), which share the loader's port of the core.
    wire            pv_own;
    wire [VW-1:0]   pv_va_addr;
    wire [CW-1:0]   pv_cl_addr;
    wire [LW-1:0]   pv_li_addr;
    wire [VW-1:0]   pv_val_addr;

    // The core's reads: the packer's or the proof's of the state; the loader's of the tables
    // while loading, the proof's while it runs (never both).
    wire [VW-1:0]   core_rd_var = pv_own ? pv_val_addr : pk_var[VW-1:0];
    wire [VW-1:0]   core_va_addr = pv_own ? pv_va_addr : ld_va_addr;
    wire [CW-1:0]   core_cl_addr = pv_own ? pv_cl_addr : ld_cl_addr;
    wire [LW-1:0]   core_li_addr = pv_own ? pv_li_addr : ld_li_addr;

    // The engine: search_core (CHAINS chains, any domains) or search_lite (one chain, booleans
    // only, small: the board's). Same ports; the loader refuses other tables for search_lite.
    generate
        if (CORE == 0) begin : g_core
        search_core #(
            .CHAINS(CHAINS), .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
            .MAX_LITERALS(MAX_LITERALS)
        ) core (
            .clk(clk), .rst(rst),
            .cfg_num_vars(cfg_vars), .cfg_num_values(cfg_values), .cfg_num_clauses(cfg_clauses),
            .cfg_num_literals(cfg_literals),
            .s_wr_valid(s_wr_valid), .s_wr_ready(s_wr_ready), .s_wr_section(core_wr_section),
            .s_wr_addr(core_wr_addr), .s_wr_data(core_wr_data),
            .s_cmd_valid(s_cmd_valid), .s_cmd_ready(s_cmd_ready), .s_cmd_stop(s_cmd_stop),
            .s_cmd_seed(cmd_seed), .s_cmd_flip_budget(cmd_flip_budget), .s_cmd_noise(cmd_noise),
            .m_sol_valid(m_sol_valid), .m_sol_ready(m_sol_ready),
            .sol_rd_var(core_rd_var), .sol_rd_val(sol_rd_val),
            .sol_flips(sol_flips), .sol_cycles(sol_cycles),
            .searching(searching),
            .st_flips(st_flips), .st_cycles(st_cycles), .st_restarts(st_restarts),
            .st_unsat(st_unsat), .st_best_unsat(st_best_unsat),
            /* verilator lint_off PINCONNECTEMPTY */
            .dbg_step(1'b0), .dbg_go({CHAINS{1'b0}}), .dbg_paused(), .dbg_chain(6'd0), .dbg_sel(3'd0),
            .dbg_addr(32'd0),
            .dbg_data(),
            /* verilator lint_on PINCONNECTEMPTY */
            .ld_own(ld_own || pv_own), .ld_va_addr(core_va_addr), .ld_va_q(ld_va_q),
            .ld_cl_addr(core_cl_addr), .ld_cl_q(ld_cl_q), .ld_li_addr(core_li_addr), .ld_li_q(ld_li_q));
        end else begin : g_lite
        search_lite #(
            .CHAINS(CHAINS), .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
            .MAX_LITERALS(MAX_LITERALS)
        ) core (
            .clk(clk), .rst(rst),
            .cfg_num_vars(cfg_vars), .cfg_num_values(cfg_values), .cfg_num_clauses(cfg_clauses),
            .cfg_num_literals(cfg_literals),
            .s_wr_valid(s_wr_valid), .s_wr_ready(s_wr_ready), .s_wr_section(core_wr_section),
            .s_wr_addr(core_wr_addr), .s_wr_data(core_wr_data),
            .s_cmd_valid(s_cmd_valid), .s_cmd_ready(s_cmd_ready), .s_cmd_stop(s_cmd_stop),
            .s_cmd_seed(cmd_seed), .s_cmd_flip_budget(cmd_flip_budget), .s_cmd_noise(cmd_noise),
            .m_sol_valid(m_sol_valid), .m_sol_ready(m_sol_ready),
            .sol_rd_var(core_rd_var), .sol_rd_val(sol_rd_val),
            .sol_flips(sol_flips), .sol_cycles(sol_cycles),
            .searching(searching),
            .st_flips(st_flips), .st_cycles(st_cycles), .st_restarts(st_restarts),
            .st_unsat(st_unsat), .st_best_unsat(st_best_unsat),
            /* verilator lint_off PINCONNECTEMPTY */
            .dbg_step(1'b0), .dbg_go({CHAINS{1'b0}}), .dbg_paused(), .dbg_chain(6'd0), .dbg_sel(3'd0),
            .dbg_addr(32'd0),
            .dbg_data(),
            /* verilator lint_on PINCONNECTEMPTY */
            .ld_own(ld_own || pv_own), .ld_va_addr(core_va_addr), .ld_va_q(ld_va_q),
            .ld_cl_addr(core_cl_addr), .ld_cl_q(ld_cl_q), .ld_li_addr(core_li_addr), .ld_li_q(ld_li_q));
        end
    endgenerate

    // ---------------------------------------------------------------- the proof from the tables
    // Every value's range and every searched clause checked from the tables on the offering
    // chain's state (S_PROVE), before the validator runs the program (which in search mode holds
    // neither: docs/search.md, "The proof").
    reg             pv_started;
    wire            pv_s_valid = state == S_PROVE && !pv_started;
    wire            pv_s_ready, pv_m_valid, pv_ok;
    wire            pv_m_ready = state == S_PROVE && pv_started;
    search_clause_check #(
        .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
        .MAX_LITERALS(MAX_LITERALS)
    ) clause_check (
        .clk(clk), .rst(rst || (state == S_PROVE && clear_due)),
        .s_valid(pv_s_valid), .s_ready(pv_s_ready), .num_vars(num_vars),
        .num_clauses(num_clauses),
        .m_valid(pv_m_valid), .m_ready(pv_m_ready), .m_ok(pv_ok),
        .va_addr(pv_va_addr), .va_q(ld_va_q), .cl_addr(pv_cl_addr), .cl_q(ld_cl_q), .li_addr(pv_li_addr), .li_q(ld_li_q),
        .val_addr(pv_val_addr), .val_q(sol_rd_val), .busy(pv_own));

    // ---------------------------------------------------------------- the table loader
    reg         ld_begin, ld_build;
    reg  [VW:0] taken0;              // VARS bytes taken (the decode point): at most num_vars
    reg  [TW-1:0] taken1;            // CLAUSES bytes taken (TW: see above)
    wire        ld_byte_valid = state == S_CHUNK_BYTE;
    wire        ld_byte_ready, ld_idle, ld_err;
    wire [31:0] ld_err_arg;
    search_loader #(
        .MAX_VARS(MAX_VARS), .MAX_VALUES(MAX_VALUES), .MAX_CLAUSES(MAX_CLAUSES),
        .MAX_LITERALS(MAX_LITERALS), .BOOLEANS_ONLY(CORE != 0 ? 1 : 0)
    ) loader (
        .clk(clk), .rst(rst),
        .cfg_num_vars(cfg_vars), .cfg_num_values(cfg_values), .cfg_num_clauses(cfg_clauses),
        .cfg_num_literals(cfg_literals),
        .s_begin(ld_begin),
        .s_byte_valid(ld_byte_valid), .s_byte_ready(ld_byte_ready), .s_byte_section(wr_section[0]),
        .s_byte_data(req_data),
        .s_build(ld_build), .idle(ld_idle), .err(ld_err), .err_arg(ld_err_arg),
        .m_wr_valid(ld_wr_valid), .m_wr_ready(s_wr_ready), .m_wr_section(ld_wr_section),
        .m_wr_addr(ld_wr_addr), .m_wr_data(ld_wr_data),
        .rd_va_addr(ld_va_addr), .rd_va_q(ld_va_q), .rd_cl_addr(ld_cl_addr), .rd_cl_q(ld_cl_q),
        .rd_li_addr(ld_li_addr), .rd_li_q(ld_li_q));

    // ---------------------------------------------------------------- request checks
    // value > limit (a power of two 2^K) without a carry chain: a bit above K, or bit K and
    // one below it.
    wire        over_vars     = |req_f2[31:VW+1] || (req_f2[VW] && |req_f2[VW-1:0]);
    wire        over_values   = |req_f3[31:PW+1] || (req_f3[PW] && |req_f3[PW-1:0]);
    wire        over_clauses  = |req_f4[31:CW+1] || (req_f4[CW] && |req_f4[CW-1:0]);
    wire        over_literals = |req_f5[31:LW+1] || (req_f5[LW] && |req_f5[LW-1:0]);
    // A chunk: offset req_f3, end req_f3 + req_len (33 bits), compared with the decode points
    // and num_vars, all below 2^TN. An offset with a bit set at TN or above (off_hi) is past all
    // of them and so is its end; else the end is off_lo + req_len, exact in TN + 1 bits.
    wire          off_hi = |req_f3[31:TN];
    wire [TN-1:0] off_lo = req_f3[TN-1:0];
    wire [TN:0]   chunk_end = {1'b0, off_lo} + {{(TN-AW){1'b0}}, req_len};
    wire [TN-1:0] taken0_n = {{(TN-VW-1){1'b0}}, taken0};
    wire [TN-1:0] taken1_n = {{(TN-TW){1'b0}}, taken1};
    wire [TN-1:0] taken = req_f2[0] ? taken1_n : taken0_n;  // the section's decode point
    wire          chunk_past = !req_f2[0] && (off_hi || chunk_end > {{(TN-VW){1'b0}}, num_vars});
    wire          chunk_gap = off_hi || off_lo > taken
                           || (req_f2[0] && taken0 != num_vars && chunk_end > {1'b0, taken1_n});
    wire          chunk_old = !off_hi && chunk_end <= {1'b0, taken};
    wire [AW:0]   skip = taken[AW:0] - off_lo[AW:0];        // bytes of the chunk already taken
    // A Prior: slot req_f2 .. its end, past num_values (below 2^PN) likewise.
    wire          prior_hi = |req_f2[31:PN];
    wire [PN:0]   prior_end = {1'b0, req_f2[PN-1:0]} + {{(PN-AW){1'b0}}, req_len};
    wire          prior_past = prior_hi || prior_end > {{(PN-PW){1'b0}}, num_values};
    wire        active = run || searching;

    // ---------------------------------------------------------------- byte streams and CRC
    reg  [AW:0]  idx;                // bytes of the request's bytes field taken
    reg  [31:0]  crc;                // running table CRC (the value is its complement)
    wire [31:0]  crc_next;
    wire [7:0]   buf_rdata;
    // Without a validator the same register and step make a solution's digest (S_DIGEST): no
    // load is in progress then (chunks are refused while a search is active; SearchBegin sets
    // the register again), so the table CRC is never disturbed.
    crc32_byte crc_step (.crc_in(crc), .data(state == S_DIGEST ? buf_rdata : req_data), .crc_out(crc_next));
    reg          dg_have;            // S_DIGEST: the buffer byte read last cycle is on buf_rdata
    assign req_addr = idx[AW-1:0];
    assign req_ready = state == S_REPLY && rep_ready && reply_req;

    // Index widths of the variables, from the VARS words: ceil(log2(size)) = bits of size - 1.
    function [3:0] bit_length(input [7:0] x);
        bit_length = x[7] ? 4'd8 : x[6] ? 4'd7 : x[5] ? 4'd6 : x[4] ? 4'd5 : x[3] ? 4'd4
                   : x[2] ? 4'd3 : x[1] ? 4'd2 : x[0] ? 4'd1 : 4'd0;
    endfunction
    reg  [3:0]   widths [0:MAX_VARS-1];
    reg  [3:0]   width_q;
    wire         width_we = ld_wr_valid && s_wr_ready && ld_wr_section == 3'd0;
    always @(posedge clk) begin
        if (width_we) widths[ld_wr_addr[VW-1:0]] <= bit_length(ld_wr_data[31:24]);
        width_q <= widths[pk_var[VW-1:0]];
    end

    // ---------------------------------------------------------------- search settings, counters
    reg  [31:0] search_seq, program_id, max_solutions, solutions, rejects;

    // ---------------------------------------------------------------- packer and buffer
    reg          pk2;                // stage 2 holds a variable: width_q and sol_rd_val
    reg  [7:0]   pk_acc;             // bits not yet written, LSB first
    reg  [2:0]   pk_bits;
    reg  [BW:0]  total;              // packed bytes written
    // sol_rd_val is not masked to its width_q bits: a state leaves (Candidate, digest, Solution)
    // only after search_clause_check found every value at most its size - 1, below 2^width_q;
    // a state with a value out of range is a reject, whatever its packed bytes.
    wire [15:0]  pk_join = {8'd0, pk_acc} | ({8'd0, sol_rd_val} << pk_bits);
    wire [3:0]   pk_sum = {1'b0, pk_bits} + width_q;    // at most 7 + 8
    wire         pk_issue = state == S_PACK && pk_var != num_vars;
    wire         buf_we = (pk2 && pk_sum[3]) || (state == S_PACK_LAST && pk_bits != 3'd0);
    reg  [BW:0]  part_off;           // first byte of the Solution part on offer
    reg  [BW:0]  part_len;
    // rep_item is below MAX_PAYLOAD <= MAX_VARS, so its low BW bits hold it (BW may equal AW)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0]   rep_item32 = {{(31-AW){1'b0}}, rep_item};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [BW-1:0] item_addr = part_off[BW-1:0] + rep_item32[BW-1:0];
    wire [BW-1:0] buf_raddr = state == S_SEND ? item_addr : state == S_DIGEST ? pk_var[BW-1:0] : v_req_addr;
    frame_ram #(.AW(BW)) candidate_buffer (
        .clk(clk), .we(buf_we), .waddr(total[BW-1:0]), .wdata(pk_sum[3] && pk2 ? pk_join[7:0] : pk_acc),
        .raddr(buf_raddr), .rdata(buf_rdata));
    assign rep_item_val = {24'd0, buf_rdata};
    localparam [BW:0] PART_BW = PART[BW:0];
    wire [BW:0]  next_off = part_off + part_len;          // after the part on offer
    wire [BW:0]  rest = total - next_off;                  // bytes after it
    wire [BW:0]  first_part = total > PART_BW ? PART_BW : total;

    // ---------------------------------------------------------------- the validator
    reg          v_req_done, v_rep_done;
    reg  [1:0]   v_rc;               // reply capture step
    reg  [3:0]   v_kind_q;
    reg          v_ok_q;
    assign v_req_valid = state == S_V_RUN && !v_req_done;
    assign v_req_seq = search_seq;
    assign v_req_program_id = program_id;
    assign v_req_len = total;
    assign v_req_data = buf_rdata;
    // After a Reset (clear_due) the validator may drop the candidate unanswered: done once it
    // is idle again with no reply on offer.
    wire         v_done = v_req_done && (v_rep_done || (clear_due && !v_busy && !v_rep_valid && v_rc == 2'd0));

    // ---------------------------------------------------------------- replies
    // One reply at a time (S_REPLY or S_SEND), so its fields share registers, each loaded when
    // its reply starts and read only while that reply is on offer:
    //   rp3  SearchStatus flips (low word), or Error arg
    //   rp4  SearchStatus flips (high word), or the Solution's digest (set before S_SEND)
    //   rp_restarts  st_restarts: SearchStatus field 5, or the Solution's (copied when the core
    //        offers the state; no other reply starts before its S_SEND)
    // Read live: seq (req_f1: link_dispatch holds the request until req_ready, at the reply's
    // end); solutions and rejects (SearchStatus; only S_PROVE, S_V_RUN, S_SEND and S_START
    // change them, never while a reply is in S_REPLY); the Solution's sol_flips and sol_cycles
    // (the core holds them with m_sol_valid until m_sol_ready, in S_SOL_ACK after the last part).
    reg  [31:0]  rp3, rp4, rp_restarts, rp_unsat, rp_best, rp_cycles_lo, rp_cycles_hi;
    reg  [4:0]   err_code;
    reg  [1:0]   st_state;
    assign rep_valid = state == S_REPLY || state == S_SEND;
    wire         is_ack = rep_kind == R_ACK;
    wire         is_err = rep_kind == R_ERROR;
    wire         is_st  = rep_kind == R_STATUS;
    wire         is_sol = !is_ack && !is_err && !is_st;      // R_SOLUTION
    // rep_val as an AND-OR over each distinct source, its select the fields (and kinds) that
    // read it: one term per source instead of a multiplexer per field.
    wire         f1 = rep_fld == 4'd1, f2 = rep_fld == 4'd2, f3 = rep_fld == 4'd3,
                 f4 = rep_fld == 4'd4, f5 = rep_fld == 4'd5, f6 = rep_fld == 4'd6,
                 f7 = rep_fld == 4'd7, f8 = rep_fld == 4'd8, f9 = rep_fld == 4'd9,
                 f10 = rep_fld == 4'd10, f11 = rep_fld == 4'd11, f12 = rep_fld == 4'd12;
    wire [31:0]  sel_req_seq    = {32{f1 && !is_sol}};
    wire [31:0]  sel_search_seq = {32{(f1 && is_sol) || (f12 && is_st)}};
    wire [31:0]  sel_program_id = {32{f2 && is_sol}};
    wire [31:0]  sel_rp3        = {32{f3 && (is_err || is_st)}};
    wire [31:0]  sel_sol_next   = {32{f3 && is_sol}};
    wire [31:0]  sel_rp4        = {32{f4 && (is_st || is_sol)}};
    wire [31:0]  sel_restarts   = {32{(f5 && is_st) || (f7 && is_sol)}};
    wire [31:0]  sel_sol_flips  = {32{f5 && is_sol}};
    wire [31:0]  sel_solutions  = {32{f6 && is_st}};
    wire [31:0]  sel_sol_cycles = {32{f6 && is_sol}};
    wire [31:0]  sel_rejects    = {32{f7 && is_st}};
    wire [31:0]  sel_unsat      = {32{f8 && is_st}};
    wire [31:0]  sel_best       = {32{f9 && is_st}};
    wire [31:0]  sel_cycles_lo  = {32{f10 && is_st}};
    wire [31:0]  sel_cycles_hi  = {32{f11 && is_st}};
    wire [BW:0]  sol_small = f8 ? part_off : f9 ? total : part_len;
    wire         sel_small = is_sol && (f8 || f9 || f10);
    always @(*) begin
        rep_val = (sel_req_seq & req_f1) | (sel_search_seq & search_seq)
                | (sel_program_id & program_id) | (sel_rp3 & rp3) | (sel_sol_next & (solutions + 32'd1))
                | (sel_rp4 & rp4) | (sel_restarts & rp_restarts) | (sel_sol_flips & sol_flips)
                | (sel_solutions & solutions) | (sel_sol_cycles & sol_cycles) | (sel_rejects & rejects)
                | (sel_unsat & rp_unsat) | (sel_best & rp_best) | (sel_cycles_lo & rp_cycles_lo)
                | (sel_cycles_hi & rp_cycles_hi);
        if (f2 && is_err) rep_val[4:0] = err_code;
        if (f2 && is_st) rep_val[1:0] = st_state;
        if (sel_small) rep_val[BW:0] = rep_val[BW:0] | sol_small;
    end

    task reply(input [3:0] kind);
        begin
            rep_kind  <= kind;
            reply_req <= 1'b1;
            state     <= S_REPLY;
        end
    endtask

    task refuse(input [4:0] code, input [31:0] arg);
        begin
            err_code <= code;
            rp3      <= arg;
            reply(R_ERROR);
        end
    endtask

    task status_reply;
        begin
            st_state <= active ? 2'd3 : tables;
            rp3          <= st_flips[31:0];
            rp4          <= st_flips[63:32];
            rp_restarts  <= st_restarts;
            rp_unsat     <= st_unsat;
            rp_best      <= st_best_unsat;
            rp_cycles_lo <= st_cycles[31:0];
            rp_cycles_hi <= st_cycles[63:32];
            reply(R_STATUS);
        end
    endtask

    // The first Solution part of the packed state, digest set.
    task send_solution;
        begin
            part_off  <= 0;
            part_len  <= first_part;
            rep_kind  <= R_SOLUTION;
            reply_req <= 1'b0;
            state     <= S_SEND;
        end
    endtask

    task stop_then(input [2:0] next);
        begin
            after_stop <= next;
            run        <= 1'b0;
            state      <= S_STOP_CMD;
        end
    endtask

    always @(posedge clk) begin
        if (clear) clear_due <= 1'b1;
        v_rep_ready <= 1'b0;
        ld_begin <= 1'b0;
        ld_build <= 1'b0;
        pk2 <= pk_issue;
        if (pk_issue) pk_var <= pk_var + 1'b1;
        if (pk2) begin
            pk_acc  <= pk_sum[3] ? pk_join[15:8] : pk_join[7:0];
            pk_bits <= pk_sum[2:0];
        end
        if (buf_we) total <= total + 1'b1;

        case (state)
            S_IDLE:
                if (clear_due) begin
                    clear_due <= 1'b0;
                    tables    <= T_NONE;
                    if (active) stop_then(P_IDLE);
                end else if (req_valid) begin
                    case (req_kind)
                        K_BEGIN:
                            if (active) stop_then(P_BEGIN);
                            else state <= S_BEGIN;
                        K_CHUNK:
                            if (active) refuse(E_STATE, 32'd4);
                            else if (tables != T_LOADING) refuse(E_STATE, 32'd1);
                            else if (req_f2 > 32'd1) refuse(E_STATE, 32'd3);
                            else if (chunk_past) refuse(E_STATE, 32'd3);
                            else if (chunk_gap) refuse(E_STATE, 32'd6);
                            else if (chunk_old) reply(R_ACK);
                            else begin
                                idx        <= skip;
                                wr_section <= req_f2[2:0];
                                state      <= S_CHUNK_RD;
                            end
                        K_END:
                            if (active) refuse(E_STATE, 32'd4);
                            else if (tables != T_LOADING) refuse(E_STATE, 32'd1);
                            else if (req_f2 != ~crc) begin
                                tables <= T_NONE;
                                refuse(E_CRC, 32'd0);
                            end else begin
                                ld_build <= 1'b1;
                                state    <= S_END_BUILD;
                            end
                        K_PRIOR:
                            if (tables == T_NONE) refuse(E_STATE, 32'd1);
                            else if (prior_past) refuse(E_STATE, 32'd3);
                            else if (req_len == 0) reply(R_ACK);
                            else begin
                                idx        <= 0;
                                wr_section <= 3'd5;
                                wr_addr    <= req_f2[PW:0];
                                state      <= S_PRIOR_RD;
                            end
                        K_START:
                            if (tables == T_NONE) refuse(E_STATE, 32'd1);
                            else if (tables == T_LOADING) refuse(E_STATE, 32'd2);
                            else if (VALIDATOR != 0 && !v_loaded) refuse(E_NO_PROGRAM, 32'd0);
                            else if (VALIDATOR != 0 && v_loaded_id != req_f2) refuse(E_WRONG_PROGRAM, v_loaded_id);
                            else if (active) stop_then(P_START);
                            else state <= S_START;
                        K_STOP:
                            if (active) stop_then(P_STATUS);
                            else status_reply();
                        default: status_reply();    // SearchStatusRequest
                    endcase
                end else if (m_sol_valid) begin
                    if (run) begin
                        pk_var  <= 0;
                        pk_acc  <= 8'd0;
                        pk_bits <= 3'd0;
                        total   <= 0;
                        rp_restarts <= st_restarts;
                        state   <= S_PACK;
                    end else state <= S_SOL_ACK;   // a state left over from a stopped search
                end
            S_REPLY:
                if (rep_ready) state <= S_IDLE;
            S_STOP_CMD:
                if (s_cmd_ready) state <= S_STOP_WAIT;
            S_STOP_WAIT:    // m_sol_ready is high here: a state the core still offers is dropped
                if (!searching)
                    case (after_stop)
                        P_BEGIN:   state <= S_BEGIN;
                        P_START:   state <= S_START;
                        P_STATUS:  status_reply();
                        P_SOL_ACK: state <= S_SOL_ACK;
                        default:   state <= S_IDLE;
                    endcase
            S_BEGIN: begin
                tables <= T_NONE;
                if (over_vars) refuse(E_CAPACITY, 32'd5);
                else if (over_values) refuse(E_CAPACITY, 32'd6);
                else if (over_clauses) refuse(E_CAPACITY, 32'd7);
                else if (over_literals) refuse(E_CAPACITY, 32'd8);
                else begin
                    num_vars     <= req_f2[VW:0];
                    num_values   <= req_f3[PW:0];
                    num_clauses  <= req_f4[CW:0];
                    num_literals <= req_f5[LW:0];
                    tables       <= T_LOADING;
                    crc          <= 32'hFFFFFFFF;
                    taken0       <= 0;
                    taken1       <= 0;
                    ld_begin     <= 1'b1;
                    reply(R_ACK);
                end
            end
            S_START: begin
                search_seq      <= req_f1;
                program_id      <= req_f2;
                max_solutions   <= req_f6;
                solutions       <= 32'd0;
                rejects         <= 32'd0;
                state           <= S_START_CMD;
            end
            S_START_CMD:
                if (s_cmd_ready) begin
                    run <= 1'b1;
                    reply(R_ACK);
                end
            S_CHUNK_RD: state <= S_CHUNK_BYTE;
            S_CHUNK_BYTE:                 // req_data is byte idx, on offer to the loader
                if (ld_byte_ready) begin
                    crc <= crc_next;
                    idx <= idx + 1'b1;
                    if (wr_section[0]) taken1 <= taken1 + 1'b1;
                    else taken0 <= taken0 + 1'b1;
                    state <= idx + 1'b1 == req_len ? S_CHUNK_DRAIN : S_CHUNK_RD;
                end
            S_CHUNK_DRAIN:                // the loader decodes what it holds
                if (ld_idle) begin
                    if (ld_err) begin
                        tables <= T_NONE;
                        refuse(E_TABLE, ld_err_arg);
                    end else reply(R_ACK);
                end
            S_END_BUILD: state <= S_END_WAIT;
            S_END_WAIT:                   // the totals checked, VALUES and OCCURRENCES built
                if (ld_idle) begin
                    if (ld_err) begin
                        tables <= T_NONE;
                        refuse(E_TABLE, ld_err_arg);
                    end else begin
                        tables <= T_READY;
                        reply(R_ACK);
                    end
                end
            S_PRIOR_RD: state <= S_PRIOR_BYTE;
            S_PRIOR_BYTE: begin
                wr_data <= req_data;
                idx     <= idx + 1'b1;
                state   <= S_PRIOR_WR;
            end
            S_PRIOR_WR:
                if (s_wr_ready) begin
                    wr_addr <= wr_addr + 1'b1;
                    if (idx == req_len) reply(R_ACK);
                    else state <= S_PRIOR_RD;
                end
            S_PACK:
                if (clear_due) state <= S_IDLE;
                else if (!pk_issue && !pk2) state <= S_PACK_LAST;
            S_PACK_LAST: begin                // the partial last byte is written here
                pv_started <= 1'b0;
                state      <= S_PROVE;
            end
            S_PROVE:                          // the clause proof (aborted by a Reset)
                if (clear_due) state <= S_IDLE;
                else begin
                    if (pv_s_valid && pv_s_ready) pv_started <= 1'b1;
                    if (pv_m_valid && pv_m_ready) begin
                        if (pv_ok && VALIDATOR == 0) begin
                            pk_var  <= 0;
                            dg_have <= 1'b0;
                            crc     <= 32'hFFFFFFFF;
                            state   <= S_DIGEST;
                        end else if (pv_ok) state <= S_V_WAIT;
                        else begin
                            rejects <= rejects + 32'd1;
                            state   <= S_SOL_ACK;
                        end
                    end
                end
            S_V_WAIT:
                if (clear_due) state <= S_IDLE;
                else if (v_free) begin
                    v_own      <= 1'b1;
                    v_req_done <= 1'b0;
                    v_rep_done <= 1'b0;
                    v_rc       <= 2'd0;
                    v_rep_fld  <= 4'd3;
                    state      <= S_V_RUN;
                end
            S_V_RUN: begin
                if (v_req_valid && v_req_ready) v_req_done <= 1'b1;
                // The reply: kind, then ok (field 3), then digest (field 6), each sampled a
                // cycle after its field select; then rep_ready for one cycle.
                case (v_rc)
                    2'd0: if (v_rep_valid && !v_rep_done) begin
                              v_kind_q  <= v_rep_kind;
                              v_rep_fld <= 4'd3;
                              v_rc      <= 2'd1;
                          end
                    2'd1: begin
                              v_ok_q    <= v_rep_val[0];
                              v_rep_fld <= 4'd6;
                              v_rc      <= 2'd2;
                          end
                    2'd2: begin
                              if (VALIDATOR != 0) rp4 <= v_rep_val;   // the digest
                              v_rep_ready <= 1'b1;
                              v_rc        <= 2'd3;
                          end
                    default: begin     // v_rep_ready is high in this cycle
                              v_rep_done <= 1'b1;
                              v_rc       <= 2'd0;
                          end
                endcase
                if (v_done) begin
                    v_own <= 1'b0;
                    if (clear_due) state <= S_IDLE;
                    else if (v_kind_q == R_VERDICT && v_ok_q) send_solution();
                    else begin
                        rejects <= rejects + 32'd1;
                        state   <= S_SOL_ACK;
                    end
                end
            end
            S_DIGEST:                         // CRC-32 of the packed bytes, one a cycle
                if (clear_due) state <= S_IDLE;
                else begin
                    dg_have <= pk_var != total;
                    if (pk_var != total) pk_var <= pk_var + 1'b1;
                    if (dg_have) crc <= crc_next;
                    else if (pk_var == total) begin
                        rp4 <= ~crc;                  // the digest
                        send_solution();
                    end
                end
            S_SEND:
                if (rep_ready) begin
                    part_off <= next_off;
                    part_len <= rest > PART_BW ? PART_BW : rest;
                    if (next_off == total) begin    // the last part
                        solutions <= solutions + 32'd1;
                        if (max_solutions != 32'd0 && solutions + 32'd1 == max_solutions)
                            stop_then(P_SOL_ACK);
                        else state <= S_SOL_ACK;
                    end else if (clear_due) state <= S_IDLE;
                end
            default:   // S_SOL_ACK: m_sol_ready for one cycle; the core takes the state
                state <= S_IDLE;
        endcase

        if (rst) begin
            state       <= S_IDLE;
            tables      <= T_NONE;
            run         <= 1'b0;
            clear_due   <= 1'b0;
            v_own       <= 1'b0;
            v_rep_ready <= 1'b0;
            pk2         <= 1'b0;
            solutions   <= 32'd0;
            rejects     <= 32'd0;
            search_seq  <= 32'd0;
            num_vars    <= 0;
            num_values  <= 0;
            num_clauses <= 0;
            num_literals <= 0;
            ld_begin    <= 1'b0;
            ld_build    <= 1'b0;
        end
    end

    assign busy = state != S_IDLE || active || clear_due || req_valid || m_sol_valid;
endmodule

`default_nettype wire
