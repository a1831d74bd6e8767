// The constraint validator: program loader, width table, program memory, candidate unpacker and
// ENGINES engine lanes that check ENGINES candidates at once, one program word per cycle.
//
// Interface (validator_engine puts it on the link's engine seam; hdl/README.md, "Constraint
// engine", describes both):
//   Commands arrive one at a time: cmd_valid with cmd_op (CMD_* in validator_codes.vh) and its
//   fields held stable until cmd_ready (one cycle, when the command is finished). A command with
//   data (ProgramChunk, Candidate) then streams exactly cmd_len bytes on data_valid/data_ready;
//   data_index is the index of the byte wanted in the next cycle.
//   Every command except Reset and an accepted Candidate answers on the reply port (REP_ACK or
//   REP_ERROR with rep_code/rep_arg) before cmd_ready; an accepted Candidate is answered later by
//   a REP_VERDICT; Reset has no reply (the link acknowledges it). Reply fields are stable while
//   rep_valid is high, until rep_ready; violated index i (i < min(count, K)) is rep_entry one
//   cycle after rep_index = i.
//
// Candidates go to two banks of ENGINES slots: the unpacker fills one bank while the lanes check
// the other. A ProgramBegin waits until every accepted candidate has its verdict out, so a load
// never changes the program under a candidate. Capacities must be powers of two.
`default_nettype none

module validator_core #(
    parameter ENGINES = 1,
    parameter MAX_VARS = 1024,
    parameter MAX_WORDS = 16384,
    parameter MAX_CONSTRAINTS = 16384,
    parameter K = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             cmd_valid,
    output wire             cmd_ready,
    input  wire [2:0]       cmd_op,
    input  wire [31:0]      cmd_seq,
    input  wire [31:0]      cmd_a,
    input  wire [31:0]      cmd_b,
    input  wire [31:0]      cmd_c,
    input  wire [31:0]      cmd_d,
    input  wire [15:0]      cmd_len,
    input  wire             data_valid,
    output wire             data_ready,
    input  wire [7:0]       data,
    output wire [15:0]      data_index,
    output wire             rep_valid,
    input  wire             rep_ready,
    output wire [1:0]       rep_kind,
    output wire [31:0]      rep_seq,
    output wire [3:0]       rep_code,
    output wire [31:0]      rep_arg,
    output wire [31:0]      rep_program_id,
    output wire             rep_ok,
    output wire [31:0]      rep_count,          // violated constraints; the first min(count, K) are listed
    input  wire [KW-1:0]    rep_index,
    output wire [31:0]      rep_entry,
    output wire [31:0]      rep_digest,
    output wire [31:0]      rep_cycles,
    output wire [FW:0]      held,               // accepted candidates whose verdict is not out yet
    output wire             loaded,             // a program is loaded (its id: rep_program_id)
    output wire             executing,          // the lanes are executing program words (or sweeping)
    output wire             busy                // anything in progress
);
    `include "validator_codes.vh"
    localparam VW = $clog2(MAX_VARS);
    localparam WW = $clog2(MAX_WORDS);
    localparam CW = $clog2(MAX_CONSTRAINTS);
    localparam KW = $clog2(K);
    localparam LW = ENGINES > 1 ? $clog2(ENGINES) : 1;   // lane index
    localparam FW = $clog2(ENGINES + 1);                  // filled slots in a bank, 0..ENGINES
    localparam SW = $clog2(2 * ENGINES);                  // slot index: bank * ENGINES + lane
    localparam [FW-1:0] FULL = ENGINES[FW-1:0];
    localparam NW = CW + 1;                               // a violation count or index
    // Seen-set generation bits (engine_lane): room for a candidate's generations (one per
    // constraint and one) between sweeps; 16 up to 16K constraints.
    localparam GW = 8 * ((CW + 2 + 7) / 8);

    generate
        if ((1 << VW) != MAX_VARS || (1 << WW) != MAX_WORDS || (1 << CW) != MAX_CONSTRAINTS || K < 2)
            begin : g_bad_parameters
                CAPACITIES_MUST_BE_POWERS_OF_TWO_AND_K_AT_LEAST_2 unsupported ();
            end
    endgenerate

    function automatic [SW-1:0] slot_index(input bank, input [LW-1:0] lane);
        /* verilator lint_off UNUSEDSIGNAL */
        integer s;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            s = (bank ? ENGINES : 0) + {{(32-LW){1'b0}}, lane};
            slot_index = s[SW-1:0];
        end
    endfunction

    // ---------------------------------------------------------------- command sequencing
    // C_WAIT: the command's precondition (drained lanes for a ProgramBegin, no verdict on offer
    // for a Reset); C_CHECK: the loader's verdict on it; C_SLOT: a Candidate waits for a slot.
    localparam [2:0] C_IDLE = 3'd0, C_WAIT = 3'd1, C_CHECK = 3'd2, C_SLOT = 3'd3,
                     C_UNPACK = 3'd4, C_DATA = 3'd5, C_REPLY = 3'd6;
    reg  [2:0]  cstate;
    reg  [15:0] taken;              // data bytes of the command consumed so far

    wire [3:0]  code;
    wire [31:0] program_id;
    wire [VW:0] num_vars;
    wire [WW:0] num_words;

    // ---------------------------------------------------------------- slots and executor state
    reg             ib;                 // bank the unpacker fills
    reg  [FW-1:0]   fill [0:1];         // filled slots per bank
    reg  [LW-1:0]   tgt_lane;           // slot being unpacked: (ib, tgt_lane)
    reg  [31:0]     slot_seq [0:2*ENGINES-1];
    reg  [31:0]     slot_digest [0:2*ENGINES-1];

    localparam [1:0] X_IDLE = 2'd0, X_SWEEP = 2'd1, X_RUN = 2'd2, X_VERDICT = 2'd3;
    reg  [1:0]      xstate;
    reg             eb;                 // bank the lanes check
    reg  [FW-1:0]   nact;               // candidates in that bank
    reg  [FW-1:0]   vl;                 // lane whose verdict is offered
    reg  [WW:0]     pc;
    reg             s1, s2, s3;         // a word is in stage 1, 2, 3 (engine_lane describes them)
    reg  [63:0]     w2;
    reg             adiff3, literal3, neg3, end_term3, ec3, mode3;
    reg             tfresh, cfresh;
    reg  [CW-1:0]   cidx;
    reg  [WW+1:0]   cycles;             // a candidate takes at most MAX_WORDS + 4 + 256 cycles
    // Seen-set generations (engine_lane): a candidate uses at most one per constraint plus one,
    // so a sweep before a candidate that could reach 2^16 keeps old tags from ever matching.
    // The sweep writes generation 0, which no constraint uses.
    localparam [GW:0] GEN_SPAN = 1 << GW;
    localparam [GW:0] GEN_LAST_START_W = GEN_SPAN - 1 - MAX_CONSTRAINTS[GW:0] - 1;
    localparam [GW-1:0] GEN_LAST_START = GEN_LAST_START_W[GW-1:0];
    reg  [GW-1:0]   gen;
    reg             gen_used;           // the current constraint marked the seen set
    reg             sweep_due;          // after reset the tags are unknown
    reg  [7:0]      sweep_addr;

    wire unpack_done;
    wire batch_start = xstate == X_IDLE && fill[ib] != {FW{1'b0}} && cstate != C_UNPACK;
    wire drained = xstate == X_IDLE && fill[0] == {FW{1'b0}} && fill[1] == {FW{1'b0}};

    // ---------------------------------------------------------------- reply port
    // The owner of the reply port is locked while a reply waits, so its fields never change
    // under the receiver.
    wire want_cmd = cstate == C_REPLY;
    wire want_ver = xstate == X_VERDICT;
    reg  rep_locked, rep_locked_ver;
    wire sel_ver = rep_locked ? rep_locked_ver : want_ver;
    assign rep_valid = sel_ver ? want_ver : want_cmd;
    wire rep_fire = rep_valid && rep_ready;
    wire ver_fire = rep_fire && sel_ver;
    wire cmd_fire = rep_fire && !sel_ver;

    // A Reset waits while a verdict is offered (an offer is never withdrawn), then clears the
    // program, the slots and the executor.
    wire reset_now = cstate == C_WAIT && cmd_op == CMD_RESET && !(rep_valid && sel_ver);
    wire clear = rst || reset_now;
    wire checked = cstate == C_WAIT && cmd_op != CMD_RESET && (cmd_op != CMD_BEGIN || drained);
    wire go_unpack = cstate == C_SLOT && fill[ib] != FULL && !batch_start;

    // ---------------------------------------------------------------- data stream and CRC
    wire unp_ready;
    wire more = taken != cmd_len;
    wire ld_byte_ready, ld_idle;
    assign data_ready = more && ((cstate == C_DATA && ld_byte_ready) || (cstate == C_UNPACK && unp_ready));
    wire byte_fire = data_valid && data_ready;
    assign data_index = taken + {15'd0, byte_fire};

    reg  [31:0] crc_state;             // running CRC-32 register (the value is its complement)
    wire [31:0] crc_stepped;
    wire        loader_crc_restart, loader_crc_en;
    crc32_byte crc_step (.crc_in(crc_state), .data(data), .crc_out(crc_stepped));
    wire crc_restart = loader_crc_restart || go_unpack;
    wire crc_en = loader_crc_en || (cstate == C_UNPACK && byte_fire);

    assign cmd_ready = (cstate == C_REPLY && cmd_fire) || (cstate == C_UNPACK && unpack_done) || reset_now;

    // ---------------------------------------------------------------- loader and memories
    wire            width_we;
    wire [VW-2:0]   width_waddr, width_raddr;
    wire [7:0]      width_wdata, width_rdata;
    wire            word_we;
    wire [WW-1:0]   word_addr;
    wire [63:0]     word_wdata, word_rdata;

    validator_loader #(.MAX_VARS(MAX_VARS), .MAX_WORDS(MAX_WORDS), .MAX_CONSTRAINTS(MAX_CONSTRAINTS)) loader (
        .clk(clk), .clear(clear), .cmd_start(checked), .cmd_op(cmd_op),
        .cmd_a(cmd_a), .cmd_b(cmd_b), .cmd_c(cmd_c), .cmd_d(cmd_d), .cmd_len(cmd_len),
        .byte_en(cstate == C_DATA && byte_fire), .byte_in(data), .byte_ready(ld_byte_ready), .idle(ld_idle),
        .crc(~crc_state), .crc_restart(loader_crc_restart), .crc_en(loader_crc_en),
        .code(code), .arg(rep_arg), .program_id(program_id), .loaded(loaded),
        .num_vars(num_vars), .num_words(num_words),
        .width_we(width_we), .width_waddr(width_waddr), .width_wdata(width_wdata),
        .word_we(word_we), .word_addr(word_addr), .word_data(word_wdata));

    frame_ram #(.AW(VW - 1)) width_table (
        .clk(clk), .we(width_we), .waddr(width_waddr), .wdata(width_wdata),
        .raddr(width_raddr), .rdata(width_rdata));

    validator_progmem #(.DEPTH(MAX_WORDS)) progmem (
        .clk(clk), .we(word_we), .addr(word_we ? word_addr : pc[WW-1:0]),
        .wdata(word_wdata), .rdata(word_rdata));

    wire            unp_wr_en;
    wire [VW-1:0]   unp_wr_var;
    wire [7:0]      unp_wr_index;
    validator_unpacker #(.MAX_VARS(MAX_VARS)) unpacker (
        .clk(clk), .clear(clear), .start(go_unpack), .num_vars(num_vars),
        .data_valid(data_valid && more), .data(data), .data_ready(unp_ready),
        .width_raddr(width_raddr), .width_rdata(width_rdata),
        .wr_en(unp_wr_en), .wr_var(unp_wr_var), .wr_index(unp_wr_index), .done(unpack_done));

    // ---------------------------------------------------------------- lanes
    wire issue = xstate == X_RUN && pc != num_words;
    wire sweep = xstate == X_SWEEP;
    wire [LW-1:0] vl_lane = vl[LW-1:0];
    wire [NW-1:0] lane_count [0:ENGINES-1];
    wire [NW-1:0] lane_entry [0:ENGINES-1];
    genvar g;
    generate
        for (g = 0; g < ENGINES; g = g + 1) begin : g_lane
            engine_lane #(.MAX_VARS(MAX_VARS), .CIDX_W(CW), .K(K), .GW(GW)) lane (
                .clk(clk),
                .wr_en(unp_wr_en && tgt_lane == g[LW-1:0]), .wr_addr({ib, unp_wr_var}),
                .wr_index(unp_wr_index),
                .rd_x({eb, word_rdata[40 +: VW]}), .rd_y({eb, word_rdata[24 +: VW]}),
                .start(batch_start), .step2(s2), .word(w2),
                .step3(s3), .adiff3(adiff3), .literal3(literal3), .neg3(neg3), .end_term3(end_term3),
                .ec3(ec3), .mode3(mode3), .tfresh(tfresh), .cfresh(cfresh), .cidx(cidx), .gen(gen),
                .sweep(sweep), .sweep_addr(sweep_addr),
                .count(lane_count[g]), .list_index(rep_index), .list_entry(lane_entry[g]));
        end
    endgenerate

    wire [SW-1:0] slot_out = slot_index(eb, vl_lane);
    wire [SW-1:0] slot_in = slot_index(ib, tgt_lane);
    assign rep_kind = sel_ver ? REP_VERDICT : code == ERR_NONE ? REP_ACK : REP_ERROR;
    assign rep_seq = sel_ver ? slot_seq[slot_out] : cmd_seq;
    assign rep_code = code;
    assign rep_program_id = program_id;
    assign rep_count = {{(32-NW){1'b0}}, lane_count[vl_lane]};
    assign rep_ok = lane_count[vl_lane] == {NW{1'b0}};
    assign rep_entry = {{(32-NW){1'b0}}, lane_entry[vl_lane]};
    assign rep_digest = slot_digest[slot_out];
    assign rep_cycles = {{(30-WW){1'b0}}, cycles};
    // Candidates in the slots without a verdict out: both banks, less the verdicts of the
    // checked bank already handed over. Reset empties the banks.
    wire [FW:0] verdicts_out = xstate == X_VERDICT ? {1'b0, vl} : {(FW+1){1'b0}};
    assign held = {1'b0, fill[0]} + {1'b0, fill[1]} - verdicts_out;
    assign executing = xstate == X_RUN || xstate == X_SWEEP;
    assign busy = cstate != C_IDLE || xstate != X_IDLE || fill[ib] != {FW{1'b0}};

    always @(posedge clk) begin
        // CRC register, shared by program loads and candidate digests
        if (crc_restart) crc_state <= 32'hFFFFFFFF;
        else if (crc_en) crc_state <= crc_stepped;

        if (rep_fire) rep_locked <= 1'b0;
        else if (rep_valid && !rep_locked) begin
            rep_locked <= 1'b1;
            rep_locked_ver <= sel_ver;
        end

        // command sequencing
        case (cstate)
            C_IDLE: if (cmd_valid) cstate <= C_WAIT;
            C_WAIT:
                if (reset_now) cstate <= C_IDLE;
                else if (checked) cstate <= C_CHECK;
            C_CHECK: cstate <= cmd_op == CMD_CANDIDATE && code == ERR_NONE ? C_SLOT : C_DATA;
            C_SLOT:
                if (go_unpack) begin
                    cstate <= C_UNPACK;
                    tgt_lane <= fill[ib][LW-1:0];
                end
            C_UNPACK:
                if (unpack_done) begin
                    cstate <= C_IDLE;
                    slot_seq[slot_in] <= cmd_seq;
                    slot_digest[slot_in] <= ~crc_state;
                end
            C_DATA: if (!more && ld_idle) cstate <= C_REPLY;
            C_REPLY: if (cmd_fire) cstate <= C_IDLE;
            default: cstate <= C_IDLE;
        endcase
        if (cmd_ready) taken <= 16'd0;
        else if (byte_fire) taken <= taken + 16'd1;

        // executor: stage 0 issues pc; stages 1..3 as in engine_lane
        s1 <= issue;
        s2 <= s1 && xstate == X_RUN;
        s3 <= s2 && xstate == X_RUN;
        w2 <= word_rdata;
        adiff3 <= w2[63:60] == OP_ADIFF;
        literal3 <= w2[63:60] != OP_ACC;
        neg3 <= w2[59];
        end_term3 <= w2[58] || w2[57];
        ec3 <= w2[57];
        mode3 <= w2[56];
        if (issue) pc <= pc + 1'b1;
        if (s3) begin
            if (end_term3) tfresh <= 1'b1;
            else if (literal3) tfresh <= 1'b0;
            if (ec3) begin
                cfresh <= 1'b1;
                cidx <= cidx + 1'b1;
                if (gen_used || adiff3) gen <= gen + 1'b1;
                gen_used <= 1'b0;
            end else begin
                if (end_term3) cfresh <= 1'b0;
                if (adiff3) gen_used <= 1'b1;
            end
        end
        if (executing) cycles <= cycles + 1'b1;
        case (xstate)
            X_IDLE:
                if (batch_start) begin
                    if (sweep_due || gen > GEN_LAST_START) begin
                        xstate <= X_SWEEP;
                        gen <= {GW{1'b0}};
                    end else begin
                        xstate <= X_RUN;
                        gen <= gen + 1'b1;
                    end
                    sweep_addr <= 8'd0;
                    eb <= ib;
                    ib <= !ib;
                    nact <= fill[ib];
                    pc <= {(WW+1){1'b0}};
                    tfresh <= 1'b1;
                    cfresh <= 1'b1;
                    cidx <= {CW{1'b0}};
                    cycles <= {(WW+2){1'b0}};
                    gen_used <= 1'b0;
                end
            X_SWEEP: begin
                sweep_addr <= sweep_addr + 8'd1;
                if (sweep_addr == 8'hFF) begin
                    xstate <= X_RUN;
                    sweep_due <= 1'b0;
                    gen <= {{(GW-1){1'b0}}, 1'b1};
                end
            end
            X_RUN:
                if (!issue && !s1 && !s2 && !s3) begin
                    xstate <= X_VERDICT;
                    vl <= {FW{1'b0}};
                end
            X_VERDICT:
                if (ver_fire) begin
                    if (vl + 1'b1 == nact) begin
                        xstate <= X_IDLE;
                        fill[eb] <= {FW{1'b0}};
                    end else vl <= vl + 1'b1;
                end
            default: xstate <= X_IDLE;
        endcase
        if (cstate == C_UNPACK && unpack_done) fill[ib] <= fill[ib] + 1'b1;

        if (clear) begin
            xstate <= X_IDLE;
            fill[0] <= {FW{1'b0}};
            fill[1] <= {FW{1'b0}};
            ib <= 1'b0;
            s1 <= 1'b0;
            s2 <= 1'b0;
            s3 <= 1'b0;
            sweep_due <= 1'b1;
        end
        if (rst) begin
            cstate <= C_IDLE;
            rep_locked <= 1'b0;
            taken <= 16'd0;
        end
    end
endmodule

`default_nettype wire
