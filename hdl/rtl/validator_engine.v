// The constraint engine behind the link: validator_core on the engine seam of hilsolve_top
// (described in hdl/README.md).
//   request kinds 5..8 (ProgramBegin, ProgramChunk, ProgramEnd, Candidate) -> core commands with
//   fields 1..5; the bytes field is read from the frame slot through req_addr/req_data (one
//   cycle of latency) and req_ready ends the request once the core has consumed it;
//   clear (a Reset message, acknowledged by the link) -> the core's Reset command, in order with
//   the requests; core replies -> Ack (4), Error (15) and Verdict (8) fields for the encoder.
// It also keeps the engine counters of the Counters message and the capacities of HelloReply,
// and reports the candidates it holds without a verdict handed out (`inflight`, for the window)
// and whether a program is loaded (for SearchStart).
// A request's bytes field may be longer than a link frame (MAX_REQUEST): search_engine submits
// packed candidates of up to its MAX_VARS bytes on the same port.
`default_nettype none

module validator_engine #(
    parameter integer MAX_PAYLOAD = 512,
    parameter integer MAX_REQUEST = MAX_PAYLOAD,   // longest bytes field of a request, a power of two below 64K
    parameter integer ENGINES = 1,
    parameter integer MAX_VARS = 1024,
    parameter integer MAX_WORDS = 16384,
    parameter integer MAX_CONSTRAINTS = 16384,
    parameter integer K = 8
) (
    input  wire          clk,
    input  wire          rst,
    // Request: a decoded ProgramBegin (5), ProgramChunk (6), ProgramEnd (7) or Candidate (8).
    input  wire          req_valid,
    output wire          req_ready,
    input  wire [3:0]    req_kind,
    input  wire [31:0]   req_f1,
    input  wire [31:0]   req_f2,
    input  wire [31:0]   req_f3,
    input  wire [31:0]   req_f4,
    input  wire [31:0]   req_f5,
    input  wire [RW:0]   req_len,
    output wire [RW-1:0] req_addr,
    input  wire [7:0]    req_data,
    input  wire          clear,
    // Reply: Ack (4), Verdict (8) or Error (15), through the reply encoder.
    output wire          rep_valid,
    input  wire          rep_ready,
    output wire [3:0]    rep_kind,
    input  wire [3:0]    rep_fld,
    output reg  [31:0]   rep_val,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [IW-1:0] rep_item,          // only the low bits index the K violated entries
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [31:0]   rep_item_val,     // the violated entry, one cycle after rep_item
    // Capacities (HelloReply) and counters (Counters).
    output wire [31:0]   max_vars,
    output wire [31:0]   max_domain,
    output wire [31:0]   max_words,
    output wire [31:0]   max_constraints,
    output wire [31:0]   max_violations,
    output wire [31:0]   engines,
    output reg  [31:0]   candidates,
    output reg  [31:0]   busy_cycles,
    output wire [7:0]    inflight,          // accepted candidates without a verdict handed out
    output wire          program_loaded,    // a program is loaded, as loaded_id
    output wire [31:0]   loaded_id,
    output wire          busy
);
    `include "validator_codes.vh"
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam integer IW = AW + 1;
    localparam integer RW = $clog2(MAX_REQUEST);
    localparam integer KW = $clog2(K);
    localparam integer FW = $clog2(ENGINES + 1);
    localparam [3:0] KIND_ACK = 4'd4, KIND_BEGIN = 4'd5, KIND_CHUNK = 4'd6, KIND_END = 4'd7,
                     KIND_VERDICT = 4'd8, KIND_ERROR = 4'd15;

    assign max_vars = MAX_VARS;
    assign max_domain = 32'd256;
    assign max_words = MAX_WORDS;
    assign max_constraints = MAX_CONSTRAINTS;
    assign max_violations = K;
    assign engines = ENGINES;

    // A Reset waits here until the core takes it, ahead of any later request.
    reg  reset_due;
    wire cmd_valid = reset_due || req_valid;
    wire [2:0] cmd_op = reset_due ? CMD_RESET
                      : req_kind == KIND_BEGIN ? CMD_BEGIN
                      : req_kind == KIND_CHUNK ? CMD_CHUNK
                      : req_kind == KIND_END ? CMD_END : CMD_CANDIDATE;
    wire cmd_ready;
    assign req_ready = cmd_ready && !reset_due;

    // Bytes field: read ahead into a two-byte buffer from a registered address, so that no
    // combinational path runs from the core's handshake to the frame RAM's address. The first
    // read goes out in the request's first cycle and every cycle after while fewer than two
    // bytes are buffered or on their way; the core takes byte `taken` from the buffer's head (or
    // straight from req_data), a byte a cycle from the request's second cycle on, as when it
    // named the byte it wanted next (the stream it sees is the same cycle for cycle).
    wire        pf_run = cmd_valid && !cmd_ready && !reset_due;
    reg         primed;                // the request's second cycle or later
    reg  [15:0] pf_addr;               // next byte to read
    reg         pf_rv;                 // req_data holds the byte read last cycle
    reg  [1:0]  pf_n;                  // bytes buffered
    reg  [7:0]  pf_b0, pf_b1;          // the buffer, head first
    wire        pf_issue = pf_run && {1'b0, pf_n} + {2'd0, pf_rv} < 3'd2;
    wire        core_data_ready;
    wire [7:0]  core_data = pf_n != 2'd0 ? pf_b0 : req_data;
    wire        core_data_valid = primed && (pf_n != 2'd0 || pf_rv);
    wire        pf_pop = core_data_valid && core_data_ready;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [15:0] data_index;            // the core's own look-ahead index, unused here
    wire [31:0] req_len32 = {{(31-RW){1'b0}}, req_len};
    /* verilator lint_on UNUSEDSIGNAL */
    assign req_addr = pf_addr[RW-1:0];

    always @(posedge clk) begin
        primed <= pf_run;
        pf_rv <= pf_issue;
        if (pf_issue) pf_addr <= pf_addr + 16'd1;
        // the byte arriving (pf_rv) goes to the buffer unless the core takes it at once
        case ({pf_pop, pf_rv})
            2'b01: begin
                if (pf_n == 2'd0) pf_b0 <= req_data; else pf_b1 <= req_data;
                pf_n <= pf_n + 2'd1;
            end
            2'b10: begin
                pf_b0 <= pf_b1;
                pf_n <= pf_n - 2'd1;
            end
            2'b11:
                if (pf_n == 2'd2) begin
                    pf_b0 <= pf_b1;
                    pf_b1 <= req_data;
                end else if (pf_n == 2'd1) pf_b0 <= req_data;
            default: ;
        endcase
        if (rst || !pf_run) begin
            pf_addr <= 16'd0;
            pf_rv <= 1'b0;
            pf_n <= 2'd0;
        end
        if (rst) primed <= 1'b0;
    end

    wire [1:0]      kind;
    wire [31:0]     seq, program_id, digest, cycles, code_arg;
    wire [3:0]      code;
    wire            ok, executing, core_busy;
    wire [31:0]     count, entry;
    wire [FW:0]     held;
    validator_core #(
        .ENGINES(ENGINES), .MAX_VARS(MAX_VARS), .MAX_WORDS(MAX_WORDS),
        .MAX_CONSTRAINTS(MAX_CONSTRAINTS), .K(K)
    ) core (
        .clk(clk), .rst(rst),
        .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_op(cmd_op), .cmd_seq(req_f1),
        .cmd_a(req_f2), .cmd_b(req_f3), .cmd_c(req_f4), .cmd_d(req_f5),
        .cmd_len(reset_due ? 16'd0 : req_len32[15:0]),
        .data_valid(core_data_valid), .data_ready(core_data_ready), .data(core_data),
        .data_index(data_index),
        .rep_valid(rep_valid), .rep_ready(rep_ready), .rep_kind(kind), .rep_seq(seq),
        .rep_code(code), .rep_arg(code_arg), .rep_program_id(program_id), .rep_ok(ok),
        .rep_count(count), .rep_index(rep_item[KW-1:0]), .rep_entry(entry), .rep_digest(digest),
        .rep_cycles(cycles),
        .held(held), .loaded(program_loaded), .executing(executing), .busy(core_busy));
    assign loaded_id = program_id;

    // A pending Reset drops the candidates in the slots, so they no longer count.
    assign inflight = reset_due ? 8'd0 : {{(7-FW){1'b0}}, held};

    assign rep_kind = kind == REP_VERDICT ? KIND_VERDICT : kind == REP_ERROR ? KIND_ERROR : KIND_ACK;
    localparam [31:0] K32 = K;
    wire [31:0] listed = count < K32 ? count : K32;
    always @(*) begin
        rep_val = 32'd0;
        if (rep_fld == 4'd1) rep_val = seq;
        else if (kind == REP_ERROR) begin
            if (rep_fld == 4'd2) rep_val = {28'd0, code};
            else if (rep_fld == 4'd3) rep_val = code_arg;
        end else if (kind == REP_VERDICT) begin
            case (rep_fld)
                4'd2: rep_val = program_id;
                4'd3: rep_val = {31'd0, ok};
                4'd4: rep_val = count;
                4'd5: rep_val = listed;                // elements of the packed field
                4'd6: rep_val = digest;
                4'd7: rep_val = cycles;
                default: ;
            endcase
        end
    end

    assign rep_item_val = entry;

    always @(posedge clk) begin
        if (rep_valid && rep_ready && kind == REP_VERDICT) candidates <= candidates + 32'd1;
        if (executing) busy_cycles <= busy_cycles + 32'd1;
        if (clear) reset_due <= 1'b1;
        else if (cmd_ready) reset_due <= 1'b0;
        if (rst) begin
            candidates <= 32'd0;
            busy_cycles <= 32'd0;
            reset_due <= 1'b0;
        end
    end

    assign busy = core_busy || reset_due || req_valid;
endmodule

`default_nettype wire
