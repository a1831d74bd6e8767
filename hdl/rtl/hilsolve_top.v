// hilsolve FPGA validator: the serial link and the constraint engine.
//
//   rx -> uart_rx -> frame_rx (COBS, CRC, 2 frame slots) -> link_dispatch (pb_decoder)
//                                                             |  link requests: answered here
//                                                             v  program/candidate requests
//                                                          engine (validator_engine)
//   tx <- uart_tx <- cobs_encoder <- tx_buffer (CRC, 2 slots) <- pb_encoder <- reply_arbiter
//                                                       (replies of the dispatcher and the engine)
//
// `busy` is high while anything is in progress (a character on the line, a frame event waiting,
// decoding, encoding, sending, the engine working); with rx idle and busy low the design does
// nothing until the next start bit, which lets the simulator sleep.
`default_nettype none

module hilsolve_top #(
    parameter integer    CLOCK_HZ     = 12_000_000,
    parameter integer    CLKS_PER_BIT = 8,
    parameter integer    MAX_PAYLOAD  = 512,            // a power of two: one 4 Kbit RAM per slot
    parameter integer    WINDOW       = 4,
    parameter integer    BUILD        = 1,
    parameter [8*16-1:0] DEVICE_ID    = "hilsolve-sim"
) (
    input  wire clk,
    input  wire rst,
    input  wire uart_rx,
    output wire uart_tx,
    output wire busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam integer IW = AW + 1;

    // UART receive.
    wire       rx_valid, rx_error, rx_busy;
    wire [7:0] rx_data;
    uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) receiver (
        .clk(clk), .rst(rst), .rx(uart_rx), .out_valid(rx_valid), .out_data(rx_data),
        .frame_error(rx_error), .busy(rx_busy));

    // Frames.
    wire          ev_valid, ev_ready, ev_slot, release_valid, release_slot;
    wire [1:0]    ev_status;
    wire [2:0]    ev_reason;
    wire [AW:0]   ev_len, slot_addr;
    wire [7:0]    slot_data;
    wire          good_frame, crc_error, frame_error, frames_busy;
    frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD)) frames (
        .clk(clk), .rst(rst), .in_valid(rx_valid), .in_data(rx_data), .in_error(rx_error),
        .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_status(ev_status), .ev_reason(ev_reason),
        .ev_slot(ev_slot), .ev_len(ev_len), .release_valid(release_valid),
        .release_slot(release_slot), .rd_addr(slot_addr), .rd_data(slot_data),
        .good_frame(good_frame), .crc_error(crc_error), .frame_error(frame_error),
        .busy(frames_busy));

    // Dispatcher and engine.
    wire          link_rep_valid, link_rep_ready, eng_rep_valid, eng_rep_ready;
    wire [3:0]    link_rep_kind, eng_rep_kind, rep_fld;
    wire [31:0]   link_rep_val, link_item_val, eng_rep_val, eng_item_val;
    wire [IW-1:0] rep_item;
    wire          req_valid, req_ready, eng_clear, frame_sent, dispatch_busy, engine_busy;
    wire [3:0]    req_kind;
    wire [31:0]   req_f1, req_f2, req_f3, req_f4, req_f5;
    wire [AW:0]   req_len;
    wire [AW-1:0] req_addr;
    wire [31:0]   max_vars, max_domain, max_words, max_constraints, max_violations, engines;
    wire [31:0]   candidates, busy_cycles;
    wire [7:0]    inflight;
    wire          verdict_encoded, verdict_sent;

    link_dispatch #(
        .MAX_PAYLOAD(MAX_PAYLOAD), .CLOCK_HZ(CLOCK_HZ), .BAUD(CLOCK_HZ / CLKS_PER_BIT),
        .WINDOW(WINDOW), .BUILD(BUILD), .DEVICE_ID(DEVICE_ID)
    ) dispatch (
        .clk(clk), .rst(rst),
        .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_status(ev_status), .ev_reason(ev_reason),
        .ev_slot(ev_slot), .ev_len(ev_len), .release_valid(release_valid),
        .release_slot(release_slot), .rd_addr(slot_addr), .rd_data(slot_data),
        .good_frame(good_frame), .crc_error(crc_error), .frame_error(frame_error),
        .frame_sent(frame_sent), .verdict_encoded(verdict_encoded), .verdict_sent(verdict_sent),
        .rep_valid(link_rep_valid), .rep_ready(link_rep_ready), .rep_kind(link_rep_kind),
        .rep_fld(rep_fld), .rep_val(link_rep_val), .rep_item(rep_item[AW-1:0]),
        .rep_item_val(link_item_val),
        .eng_req_valid(req_valid), .eng_req_ready(req_ready), .eng_req_kind(req_kind),
        .eng_req_f1(req_f1), .eng_req_f2(req_f2), .eng_req_f3(req_f3), .eng_req_f4(req_f4),
        .eng_req_f5(req_f5), .eng_req_len(req_len), .eng_req_addr(req_addr),
        .eng_clear(eng_clear),
        .eng_max_vars(max_vars), .eng_max_domain(max_domain), .eng_max_words(max_words),
        .eng_max_constraints(max_constraints), .eng_max_violations(max_violations),
        .eng_engines(engines), .eng_candidates(candidates), .eng_busy_cycles(busy_cycles),
        .eng_inflight(inflight),
        .busy(dispatch_busy));

    validator_engine #(.MAX_PAYLOAD(MAX_PAYLOAD)) engine (
        .clk(clk), .rst(rst),
        .req_valid(req_valid), .req_ready(req_ready), .req_kind(req_kind),
        .req_f1(req_f1), .req_f2(req_f2), .req_f3(req_f3), .req_f4(req_f4), .req_f5(req_f5),
        .req_len(req_len), .req_addr(req_addr), .req_data(slot_data), .clear(eng_clear),
        .rep_valid(eng_rep_valid), .rep_ready(eng_rep_ready), .rep_kind(eng_rep_kind),
        .rep_fld(rep_fld), .rep_val(eng_rep_val), .rep_item(rep_item),
        .rep_item_val(eng_item_val),
        .max_vars(max_vars), .max_domain(max_domain), .max_words(max_words),
        .max_constraints(max_constraints), .max_violations(max_violations), .engines(engines),
        .candidates(candidates), .busy_cycles(busy_cycles), .inflight(inflight),
        .busy(engine_busy));

    // Replies.
    wire        src_valid, src_ready;
    wire [3:0]  src_kind;
    wire [31:0] src_val, src_item_val;
    reply_arbiter arbiter (
        .clk(clk), .rst(rst),
        .a_valid(link_rep_valid), .a_ready(link_rep_ready), .a_kind(link_rep_kind),
        .a_val(link_rep_val), .a_item_val(link_item_val),
        .b_valid(eng_rep_valid), .b_ready(eng_rep_ready), .b_kind(eng_rep_kind),
        .b_val(eng_rep_val), .b_item_val(eng_item_val),
        .y_valid(src_valid), .y_ready(src_ready), .y_kind(src_kind), .y_val(src_val),
        .y_item_val(src_item_val));

    wire       enc_valid, enc_ready, enc_last, encoder_busy;
    // Verdict frames are tagged in the transmit buffer, so the window counts a candidate until
    // its verdict has been sent.
    localparam [3:0] KIND_VERDICT = 4'd8;
    wire       src_verdict = src_kind == KIND_VERDICT;
    assign verdict_encoded = src_valid && src_ready && src_verdict;
    wire [7:0] enc_data;
    pb_encoder #(.IW(IW)) encoder (
        .clk(clk), .rst(rst), .src_valid(src_valid), .src_ready(src_ready), .src_kind(src_kind),
        .fld_sel(rep_fld), .fld_val(src_val), .item_sel(rep_item), .item_val(src_item_val),
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

    uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) transmitter (
        .clk(clk), .rst(rst), .in_valid(line_valid), .in_ready(line_ready), .in_data(line_data),
        .tx(uart_tx), .busy(tx_busy));

    assign busy = rx_busy | frames_busy | dispatch_busy | engine_busy | encoder_busy |
                  tx_buffer_busy | cobs_busy | tx_busy;
endmodule

`default_nettype wire
