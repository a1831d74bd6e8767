// hilsolve FPGA validator: the serial link, the constraint engine and the device search.
//
//   rx -> uart_rx -> frame_rx (COBS, CRC, 2 frame slots) -> link_dispatch (pb_decoder)
//                                                  |  link requests: answered here
//                      program/candidate requests  v                 v  search requests (9..15)
//                                 engine (validator_engine) <-- search (search_engine, search_core)
//                                                              (borrows the engine to prove)
//   tx <- uart_tx <- cobs_encoder <- tx_buffer (CRC, 2 slots) <- pb_encoder <- reply_arbiter x 2
//                                          (replies of the dispatcher, the engine and the search)
//
// The search engine takes the validator only while it is idle (v_free); then the validator's
// request port, its data and its reply port are the search engine's (`search_owns`), the
// dispatcher's engine requests wait, and the validator's reply never reaches the encoder.
// Parameters: the defaults are the simulator's (large memories); hilsolve_icebreaker.v sets the
// board's (today's validator sizes, SEARCH = 0).
//
// `busy` is high while anything is in progress (a character on the line, a frame event waiting,
// decoding, encoding, sending, the engine working); with rx idle and busy low the design does
// nothing until the next start bit (or byte), which lets the simulator sleep.
//
// Byte link (simulation): with `byte_link` high (a strap, held from reset on) the UART is left
// out and whole bytes pass instead, valid/ready, at up to one a cycle each way:
//   byte_in_*  -> frame_rx, where uart_rx's bytes go; byte_in_ready is frame_rx's flow control
//                 (low between frames while no receive slot or event entry is free), so a host
//                 behind it never meets an overrun the UART link would not give it;
//   byte_out_* <- the COBS encoder, where uart_tx takes its bytes.
// With `byte_link` low (the board ties it so) the byte ports are ignored (byte_in_ready and
// byte_out_valid stay low) and the UART works as it always has.
// Link speed: the UART's bit period starts at CLKS_PER_BIT and SetBaud changes it (link_baud);
// HelloReply.min_divider offers MIN_DIVIDER on the UART and 0 on the byte link, where a rate
// means nothing. The period register has BAUD_DW bits (8, so SetBaud takes up to 255, unless
// CLKS_PER_BIT needs more). `line_divider` shows the period now in use (the simulator's line model).
`default_nettype none

module hilsolve_top #(
    parameter integer    CLOCK_HZ     = 12_000_000,
    parameter integer    CLKS_PER_BIT = 8,               // the safe bit period, from reset on
    parameter integer    MIN_DIVIDER  = 4,               // the shortest SetBaud accepts
    parameter integer    BAUD_WATCHDOG = 1 << 21,        // cycles a switch waits for a good frame
    parameter integer    MAX_PAYLOAD  = 512,            // a power of two: one 4 Kbit RAM per slot
    parameter integer    WINDOW       = 4,
    parameter integer    BUILD        = 1,
    parameter [8*16-1:0] DEVICE_ID    = "hilsolve-sim",
    // Constraint engine capacities (powers of two, validator_engine).
    parameter integer    V_MAX_VARS        = 16384,
    parameter integer    V_MAX_WORDS       = 1 << 20,
    parameter integer    V_MAX_CONSTRAINTS = 1 << 20,
    parameter integer    VALIDATOR         = 1,          // 0: no constraint engine (below)
    // Device search: 0 leaves it out (HelloReply.search empty, search messages refused).
    parameter integer    SEARCH              = 1,
    parameter integer    SEARCH_CHAINS       = 1,
    parameter integer    SEARCH_MAX_VARS     = 16384,
    parameter integer    SEARCH_MAX_VALUES   = 65536,
    parameter integer    SEARCH_MAX_CLAUSES  = 1 << 20,
    parameter integer    SEARCH_MAX_LITERALS = 1 << 21,
    parameter integer    SEARCH_CORE         = 0         // 0 search_core, 1 search_lite (booleans, 1 chain)
) (
    input  wire clk,
    input  wire rst,
    input  wire       uart_rx,
    output wire       uart_tx,
    // Byte link (see the top comment); tie byte_link low for the UART.
    input  wire       byte_link,
    input  wire       byte_in_valid,
    output wire       byte_in_ready,
    input  wire [7:0] byte_in_data,
    output wire       byte_out_valid,
    input  wire       byte_out_ready,
    output wire [7:0] byte_out_data,
    output wire [15:0] line_divider,
    output wire       busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam integer IW = AW + 1;
    // The validator's bytes fields: link frames, and the search engine's packed candidates.
    localparam integer V_MAX_REQUEST = (SEARCH != 0 && SEARCH_MAX_VARS > MAX_PAYLOAD) ? SEARCH_MAX_VARS
                                                                                       : MAX_PAYLOAD;
    localparam integer RW = $clog2(V_MAX_REQUEST);
    localparam integer SW = $clog2(SEARCH_MAX_VARS);
    localparam integer BAUD_DW = CLKS_PER_BIT > 255 ? $clog2(CLKS_PER_BIT + 1) : 8;
    localparam [31:0]  MIN_DIV32 = MIN_DIVIDER;
    localparam [15:0]  MIN_DIV16 = MIN_DIV32[15:0];
    wire               baud_set, baud_busy;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [15:0]        baud_divider;     // the dispatcher checked it fits BAUD_DW bits
    /* verilator lint_on UNUSEDSIGNAL */

    // UART receive, at the bit period link_baud holds.
    wire        rx_valid, rx_error, rx_busy;
    wire [7:0]  rx_data;
    wire [BAUD_DW-1:0] divider;
    wire [15:0]        divider16 = {{(16-BAUD_DW){1'b0}}, divider};
    assign line_divider = divider16;
    uart_rx #(.DW(BAUD_DW)) receiver (
        .clk(clk), .rst(rst), .rx(uart_rx), .clks_per_bit(divider), .out_valid(rx_valid), .out_data(rx_data),
        .frame_error(rx_error), .busy(rx_busy));

    // The receive path's byte source: the UART, or the byte link, which honours frame_rx's ready.
    wire       fr_in_ready;
    wire       in_valid = byte_link ? byte_in_valid && fr_in_ready : rx_valid;
    wire [7:0] in_data  = byte_link ? byte_in_data : rx_data;
    wire       in_error = !byte_link && rx_error;
    assign byte_in_ready = byte_link && fr_in_ready;

    // Frames.
    wire          ev_valid, ev_ready, ev_slot, release_valid, release_slot;
    wire [1:0]    ev_status;
    wire [2:0]    ev_reason;
    wire [AW:0]   ev_len, slot_addr;
    wire [7:0]    slot_data;
    wire          good_frame, crc_error, frame_error, frames_busy;
    frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD)) frames (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data), .in_error(in_error),
        .in_ready(fr_in_ready), .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_status(ev_status), .ev_reason(ev_reason),
        .ev_slot(ev_slot), .ev_len(ev_len), .release_valid(release_valid),
        .release_slot(release_slot), .rd_addr(slot_addr), .rd_data(slot_data),
        .good_frame(good_frame), .crc_error(crc_error), .frame_error(frame_error),
        .busy(frames_busy));

    // Dispatcher and engine.
    wire          link_rep_valid, link_rep_ready, eng_rep_valid, eng_rep_ready;
    wire [3:0]    link_rep_kind, eng_rep_kind, rep_fld;
    wire          rep_fld_hi;
    wire [31:0]   link_rep_val, link_item_val, eng_rep_val, eng_item_val;
    wire [IW-1:0] rep_item;
    wire          req_ready, eng_clear, frame_sent, dispatch_busy, engine_busy;
    wire [3:0]    req_kind;
    wire [31:0]   req_f1, req_f2, req_f3, req_f4, req_f5, req_f6;
    wire [AW:0]   req_len;
    wire [AW-1:0] srch_req_addr;
    wire          srch_req_valid, srch_req_ready;
    wire [31:0]   srch_chains, srch_max_vars, srch_max_values, srch_max_clauses, srch_max_literals;
    wire          srch_booleans_only;
    wire [31:0]   max_vars, max_domain, max_words, max_constraints, max_violations, engines;
    wire [31:0]   candidates, busy_cycles;
    wire [7:0]    inflight;
    wire          verdict_encoded, verdict_sent;

    // The validator's ports as the search engine may take them (see the top comment).
    wire          search_owns;
    wire          v_req_valid, v_req_ready;
    wire [3:0]    v_req_kind, v_rep_fld;
    wire [31:0]   v_f1, v_f2, v_f3, v_f4, v_f5;
    wire [RW:0]   v_req_len;
    wire [RW-1:0] v_req_addr;
    wire [7:0]    v_req_data;
    wire          s_v_req_valid, s_v_rep_ready;
    wire [31:0]   s_v_seq, s_v_program_id;
    wire [SW:0]   s_v_len;
    wire [7:0]    s_v_data;
    wire [3:0]    s_v_rep_fld;
    wire          program_loaded;
    wire [31:0]   loaded_id;
    wire          link_eng_valid, arb_eng_ready;

    link_dispatch #(
        .MAX_PAYLOAD(MAX_PAYLOAD), .CLOCK_HZ(CLOCK_HZ), .BAUD(CLOCK_HZ / CLKS_PER_BIT),
        .WINDOW(WINDOW), .BUILD(BUILD), .DEVICE_ID(DEVICE_ID), .SEARCH(SEARCH), .VALIDATOR(VALIDATOR),
        .BAUD_DW(BAUD_DW)
    ) dispatch (
        .clk(clk), .rst(rst),
        .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_status(ev_status), .ev_reason(ev_reason),
        .ev_slot(ev_slot), .ev_len(ev_len), .release_valid(release_valid),
        .release_slot(release_slot), .rd_addr(slot_addr), .rd_data(slot_data),
        .good_frame(good_frame), .crc_error(crc_error), .frame_error(frame_error),
        .frame_sent(frame_sent), .verdict_encoded(verdict_encoded), .verdict_sent(verdict_sent),
        .rep_valid(link_rep_valid), .rep_ready(link_rep_ready), .rep_kind(link_rep_kind),
        .rep_fld(rep_fld), .rep_fld_hi(rep_fld_hi), .rep_val(link_rep_val), .rep_item(rep_item[AW-1:0]),
        .rep_item_val(link_item_val),
        .eng_req_valid(link_eng_valid), .eng_req_ready(req_ready), .eng_req_kind(req_kind),
        .eng_req_f1(req_f1), .eng_req_f2(req_f2), .eng_req_f3(req_f3), .eng_req_f4(req_f4),
        .eng_req_f5(req_f5), .eng_req_f6(req_f6), .eng_req_len(req_len),
        .eng_req_addr(v_req_addr[AW-1:0]),
        .srch_req_valid(srch_req_valid), .srch_req_ready(srch_req_ready),
        .srch_req_addr(srch_req_addr),
        .srch_chains(srch_chains), .srch_max_vars(srch_max_vars), .srch_max_values(srch_max_values),
        .srch_max_clauses(srch_max_clauses), .srch_max_literals(srch_max_literals),
        .srch_booleans_only(srch_booleans_only),
        .eng_clear(eng_clear),
        .baud_set(baud_set), .baud_divider(baud_divider), .min_divider(byte_link ? 16'd0 : MIN_DIV16),
        .divider(byte_link ? 16'd0 : divider16),
        .eng_max_vars(max_vars), .eng_max_domain(max_domain), .eng_max_words(max_words),
        .eng_max_constraints(max_constraints), .eng_max_violations(max_violations),
        .eng_engines(engines), .eng_candidates(candidates), .eng_busy_cycles(busy_cycles),
        .eng_inflight(inflight),
        .busy(dispatch_busy));

    assign v_req_valid = search_owns ? s_v_req_valid : link_eng_valid;
    assign v_req_kind  = search_owns ? 4'd8 : req_kind;              // Candidate
    assign v_f1        = search_owns ? s_v_seq : req_f1;
    assign v_f2        = search_owns ? s_v_program_id : req_f2;
    assign v_f3        = search_owns ? 32'd0 : req_f3;
    assign v_f4        = search_owns ? 32'd0 : req_f4;
    assign v_f5        = search_owns ? 32'd0 : req_f5;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0]   s_v_len32 = {{(31-SW){1'b0}}, s_v_len};    // at most V_MAX_REQUEST with search
    wire [31:0]   req_len32 = {{(31-AW){1'b0}}, req_len};
    /* verilator lint_on UNUSEDSIGNAL */
    assign v_req_len   = search_owns ? s_v_len32[RW:0] : req_len32[RW:0];
    assign v_req_data  = search_owns ? s_v_data : slot_data;
    assign req_ready   = !search_owns && v_req_ready;
    assign v_rep_fld   = search_owns ? s_v_rep_fld : rep_fld;
    assign eng_rep_ready = search_owns ? s_v_rep_ready : arb_eng_ready;
    wire   arb_eng_valid = eng_rep_valid && !search_owns;

    // The constraint engine; VALIDATOR = 0 builds none (a search-only board: link_dispatch refuses
    // the program and candidate kinds, HelloReply reports its capacities as 0, and search_engine
    // proves from its tables alone, which hold every constraint of the jobs such a device takes).
    generate
        if (VALIDATOR != 0) begin : g_validator
        validator_engine #(
            .MAX_PAYLOAD(MAX_PAYLOAD), .MAX_REQUEST(V_MAX_REQUEST), .MAX_VARS(V_MAX_VARS),
            .MAX_WORDS(V_MAX_WORDS), .MAX_CONSTRAINTS(V_MAX_CONSTRAINTS)
        ) engine (
            .clk(clk), .rst(rst),
            .req_valid(v_req_valid), .req_ready(v_req_ready), .req_kind(v_req_kind),
            .req_f1(v_f1), .req_f2(v_f2), .req_f3(v_f3), .req_f4(v_f4), .req_f5(v_f5),
            .req_len(v_req_len), .req_addr(v_req_addr), .req_data(v_req_data), .clear(eng_clear),
            .rep_valid(eng_rep_valid), .rep_ready(eng_rep_ready), .rep_kind(eng_rep_kind),
            .rep_fld(v_rep_fld), .rep_val(eng_rep_val), .rep_item(rep_item),
            .rep_item_val(eng_item_val),
            .max_vars(max_vars), .max_domain(max_domain), .max_words(max_words),
            .max_constraints(max_constraints), .max_violations(max_violations), .engines(engines),
            .candidates(candidates), .busy_cycles(busy_cycles), .inflight(inflight),
            .program_loaded(program_loaded), .loaded_id(loaded_id),
            .busy(engine_busy));
        end else begin : g_no_validator
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_v = v_req_valid | (|v_req_kind) | (|v_f1) | (|v_f2) | (|v_f3) | (|v_f4) | (|v_f5)
                          | (|v_req_len) | (|v_req_data) | eng_rep_ready | (|v_rep_fld);
            /* verilator lint_on UNUSEDSIGNAL */
            assign v_req_ready = 1'b0;
            assign v_req_addr = {RW{1'b0}};
            assign eng_rep_valid = 1'b0;
            assign eng_rep_kind = 4'd0;
            assign eng_rep_val = 32'd0;
            assign eng_item_val = 32'd0;
            assign {max_vars, max_domain, max_words, max_constraints, max_violations, engines} = 192'd0;
            assign {candidates, busy_cycles} = 64'd0;
            assign inflight = 8'd0;
            assign program_loaded = 1'b0;
            assign loaded_id = 32'd0;
            assign engine_busy = 1'b0;
        end
    endgenerate

    // Device search.
    wire        srch_rep_valid, srch_rep_ready, search_busy;
    wire [3:0]  srch_rep_kind;
    wire [31:0] srch_rep_val, srch_item_val;
    generate
        if (SEARCH != 0) begin : g_search
            search_engine #(
                .MAX_PAYLOAD(MAX_PAYLOAD), .CHAINS(SEARCH_CHAINS), .MAX_VARS(SEARCH_MAX_VARS),
                .MAX_VALUES(SEARCH_MAX_VALUES), .MAX_CLAUSES(SEARCH_MAX_CLAUSES),
                .MAX_LITERALS(SEARCH_MAX_LITERALS), .CORE(SEARCH_CORE), .VALIDATOR(VALIDATOR)
            ) search (
                .clk(clk), .rst(rst),
                .req_valid(srch_req_valid), .req_ready(srch_req_ready), .req_kind(req_kind),
                .req_f1(req_f1), .req_f2(req_f2), .req_f3(req_f3), .req_f4(req_f4),
                .req_f5(req_f5), .req_f6(req_f6), .req_len(req_len), .req_addr(srch_req_addr),
                .req_data(slot_data), .clear(eng_clear),
                .rep_valid(srch_rep_valid), .rep_ready(srch_rep_ready), .rep_kind(srch_rep_kind),
                .rep_fld(rep_fld), .rep_val(srch_rep_val), .rep_item(rep_item),
                .rep_item_val(srch_item_val),
                .v_free(!engine_busy), .v_own(search_owns),
                .v_req_valid(s_v_req_valid), .v_req_ready(search_owns && v_req_ready),
                .v_req_seq(s_v_seq), .v_req_program_id(s_v_program_id), .v_req_len(s_v_len),
                .v_req_addr(v_req_addr[SW-1:0]), .v_req_data(s_v_data),
                .v_rep_valid(search_owns && eng_rep_valid), .v_rep_ready(s_v_rep_ready),
                .v_rep_kind(eng_rep_kind), .v_rep_fld(s_v_rep_fld), .v_rep_val(eng_rep_val),
                .v_busy(engine_busy), .v_loaded(program_loaded), .v_loaded_id(loaded_id),
                .chains(srch_chains), .max_vars(srch_max_vars), .max_values(srch_max_values),
                .max_clauses(srch_max_clauses), .max_literals(srch_max_literals),
                .booleans_only(srch_booleans_only),
                .busy(search_busy));
        end else begin : g_no_search
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused = srch_req_valid | srch_rep_ready | program_loaded | (|req_f6) | (|loaded_id);
            /* verilator lint_on UNUSEDSIGNAL */
            assign srch_req_ready = 1'b0;    // link_dispatch refuses search requests itself
            assign srch_req_addr = {AW{1'b0}};
            assign srch_rep_valid = 1'b0;
            assign srch_rep_kind = 4'd0;
            assign srch_rep_val = 32'd0;
            assign srch_item_val = 32'd0;
            assign search_owns = 1'b0;
            assign s_v_req_valid = 1'b0;
            assign s_v_seq = 32'd0;
            assign s_v_program_id = 32'd0;
            assign s_v_len = {(SW+1){1'b0}};
            assign s_v_data = 8'd0;
            assign s_v_rep_ready = 1'b0;
            assign s_v_rep_fld = 4'd0;
            assign {srch_chains, srch_max_vars, srch_max_values, srch_max_clauses, srch_max_literals} = 160'd0;
            assign srch_booleans_only = 1'b0;
            assign search_busy = 1'b0;
        end
    endgenerate

    // Replies: the dispatcher and the validator share one arbiter, which shares the encoder
    // with the search engine.
    wire        src_valid, src_ready, le_valid, le_ready;
    wire [3:0]  src_kind, le_kind;
    wire [31:0] src_val, src_item_val, le_val, le_item_val;
    reply_arbiter arbiter (
        .clk(clk), .rst(rst),
        .a_valid(link_rep_valid), .a_ready(link_rep_ready), .a_kind(link_rep_kind),
        .a_val(link_rep_val), .a_item_val(link_item_val),
        .b_valid(arb_eng_valid), .b_ready(arb_eng_ready), .b_kind(eng_rep_kind),
        .b_val(eng_rep_val), .b_item_val(eng_item_val),
        .y_valid(le_valid), .y_ready(le_ready), .y_kind(le_kind), .y_val(le_val),
        .y_item_val(le_item_val));
    reply_arbiter search_arbiter (
        .clk(clk), .rst(rst),
        .a_valid(le_valid), .a_ready(le_ready), .a_kind(le_kind),
        .a_val(le_val), .a_item_val(le_item_val),
        .b_valid(srch_rep_valid), .b_ready(srch_rep_ready), .b_kind(srch_rep_kind),
        .b_val(srch_rep_val), .b_item_val(srch_item_val),
        .y_valid(src_valid), .y_ready(src_ready), .y_kind(src_kind), .y_val(src_val),
        .y_item_val(src_item_val));

    wire       enc_valid, enc_ready, enc_last, encoder_busy;
    // Verdict frames are tagged in the transmit buffer, so the window counts a candidate until
    // its verdict has been sent (Solutions are not: the search's verdicts never get here).
    localparam [3:0] KIND_VERDICT = 4'd8;
    wire       src_verdict = src_kind == KIND_VERDICT;
    assign verdict_encoded = src_valid && src_ready && src_verdict;
    wire [7:0] enc_data;
    pb_encoder #(.IW(IW)) encoder (
        .clk(clk), .rst(rst), .src_valid(src_valid), .src_ready(src_ready), .src_kind(src_kind),
        .fld_sel({rep_fld_hi, rep_fld}), .fld_val(src_val), .item_sel(rep_item), .item_val(src_item_val),
        .out_valid(enc_valid), .out_ready(enc_ready), .out_data(enc_data), .out_last(enc_last),
        .busy(encoder_busy));

    // Transmit.
    wire          fr_valid, fr_tag, tx_buffer_busy;
    wire [AW:0]   fr_total, fr_addr;
    wire [7:0]    fr_data;
    tx_buffer #(.MAX_PAYLOAD(MAX_PAYLOAD)) tx_frames (
        .clk(clk), .rst(rst), .in_valid(enc_valid), .in_ready(enc_ready), .in_data(enc_data),
        .in_last(enc_last), .in_tag(src_verdict), .fr_valid(fr_valid), .fr_total(fr_total),
        .fr_done(frame_sent), .fr_tag(fr_tag),
        .rd_addr(fr_addr), .rd_data(fr_data), .busy(tx_buffer_busy));

    assign verdict_sent = frame_sent && fr_tag;

    wire       line_valid, line_ready, cobs_busy, tx_busy;
    wire [7:0] line_data;
    cobs_encoder #(.LW(AW + 1)) cobs (
        .clk(clk), .rst(rst), .fr_valid(fr_valid), .fr_total(fr_total), .fr_done(frame_sent),
        .rd_addr(fr_addr), .rd_data(fr_data), .out_valid(line_valid), .out_ready(line_ready),
        .out_data(line_data), .busy(cobs_busy));

    // The encoder's bytes go to the UART, or out on the byte link.
    wire uart_in_ready;
    assign line_ready     = byte_link ? byte_out_ready : uart_in_ready;
    assign byte_out_valid = byte_link && line_valid;
    assign byte_out_data  = line_data;
    uart_tx #(.DW(BAUD_DW)) transmitter (
        .clk(clk), .rst(rst), .clks_per_bit(divider), .in_valid(line_valid && !byte_link), .in_ready(uart_in_ready),
        .in_data(line_data), .tx(uart_tx), .busy(tx_busy));

    // Link speed: a SetBaud switches once nothing is being received or sent (its Ack has left).
    wire line_idle = !(rx_busy | frames_busy | dispatch_busy | encoder_busy | tx_buffer_busy |
                       cobs_busy | tx_busy);
    link_baud #(.SAFE(CLKS_PER_BIT), .WATCHDOG(BAUD_WATCHDOG), .DW(BAUD_DW)) baud (
        .clk(clk), .rst(rst), .rx(uart_rx), .set_valid(baud_set && !byte_link), .set_divider(baud_divider[BAUD_DW-1:0]),
        .line_idle(line_idle), .good_frame(good_frame), .divider(divider), .busy(baud_busy));

    assign busy = rx_busy | frames_busy | dispatch_busy | engine_busy | search_busy |
                  encoder_busy | tx_buffer_busy | cobs_busy | tx_busy | baud_busy;
endmodule

`default_nettype wire
