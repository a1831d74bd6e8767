// Frame receiver: bytes from the UART -> COBS decoder -> payload in a frame slot, CRC checked.
// Two slots of MAX_PAYLOAD bytes share one block RAM: one can be filled while the other waits for
// or is being handled by the dispatcher, which frees it with `release`. The last four decoded
// bytes sit in a delay line, so only the payload reaches the RAM and the CRC, and at the delimiter
// the delay line holds the received CRC (little-endian).
// Every non-empty frame ends in one event, good (status OK, with slot and length) or bad (status
// CRC or FRAME with a reason); events queue in a small FIFO. An empty frame (two delimiters in a
// row) is ignored, so a host may send 0x00 at any time to resynchronise.
// `in_ready` is flow control for a byte source that can honour it (the simulator's byte link;
// the UART has none and ignores it): it is low only between frames (no byte since the last
// delimiter) while no slot is free or the event FIFO is full. A frame begun with ready high finds
// a slot for its payload (slots are taken only at a frame's end, and releases only add free
// ones) and room for its event (the FIFO only drains during a frame), so a source that waits
// for it never causes an overrun or a lost event. It depends on registers only.
`default_nettype none

module frame_rx #(
    parameter integer MAX_PAYLOAD = 512   // a power of two, at least 8 (see the guard below)
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          in_valid,        // byte from the UART
    input  wire [7:0]    in_data,
    input  wire          in_error,        // UART framing error (stop bit low)
    output wire          in_ready,        // flow control for a byte link (see above)
    output wire          ev_valid,
    input  wire          ev_ready,
    output wire [1:0]    ev_status,       // STATUS_*
    output wire [2:0]    ev_reason,       // REASON_* for STATUS_FRAME
    output wire          ev_slot,
    output wire [AW:0]   ev_len,          // payload bytes for STATUS_OK
    input  wire          release_valid,   // the dispatcher is done with a slot
    input  wire          release_slot,
    input  wire [AW:0]   rd_addr,         // {slot, byte index}
    output wire [7:0]    rd_data,         // one cycle later
    output reg           good_frame,      // one-cycle pulses for the link counters
    output reg           crc_error,
    output reg           frame_error,
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam [1:0] STATUS_OK = 2'd0, STATUS_CRC = 2'd1, STATUS_FRAME = 2'd2;
    // Frame error reasons, reported as Error.arg with ERROR_FRAME (see hdl/README.md).
    localparam [2:0] REASON_COBS = 3'd1, REASON_LONG = 3'd2, REASON_UART = 3'd3,
                     REASON_SHORT = 3'd4, REASON_OVERRUN = 3'd5;
    localparam integer EW = 2 + 3 + 1 + AW + 1;   // event word
    localparam [31:0]   LIMIT32 = MAX_PAYLOAD + 4;  // payload and CRC
    localparam [AW:0]   LIMIT = LIMIT32[AW:0];
    localparam [AW:0]   CRC_BYTES = 4;

    // The byte count is AW + 1 bits and must hold MAX_PAYLOAD + 4 (payload and CRC): below 8 the
    // length limit wraps and no frame is ever good. The slots are addressed by AW bits.
    generate
        if (MAX_PAYLOAD < 8 || (1 << AW) != MAX_PAYLOAD) begin : g_bad_parameters
            FRAME_RX_MAX_PAYLOAD_POWER_OF_TWO_AT_LEAST_8 unsupported ();
        end
    endgenerate

    wire       d_valid, d_end, d_error;
    wire [7:0] d_data;
    cobs_decoder cobs (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data),
        .out_valid(d_valid), .out_data(d_data), .out_end(d_end),
        .out_error(d_error));

    reg [AW:0]   count;        // decoded bytes of the current frame, saturating at LIMIT
    reg [31:0]   delay;        // the last four bytes, oldest in [31:24]
    reg [31:0]   crc;
    wire [31:0]  crc_next;
    reg          slot;
    reg [1:0]    slot_free;
    reg          bad_uart, bad_long, no_slot;
    reg          in_frame;     // a byte other than 0x00 arrived since the last delimiter
    wire [7:0]   oldest = delay[31:24];

    crc32_byte crc_step (.crc_in(crc), .data(oldest), .crc_out(crc_next));

    wire data_beat  = d_valid && !d_end;
    wire end_beat   = d_valid && d_end;
    wire first_byte = data_beat && count == 0;
    wire take_slot0 = slot_free[0];
    wire store      = data_beat && count >= 4 && count != LIMIT && !no_slot;
    wire [AW:0]  payload_len = count - CRC_BYTES;

    frame_ram #(.AW(AW + 1)) ram (
        .clk(clk), .we(store), .waddr({slot, payload_len[AW-1:0]}), .wdata(oldest),
        .raddr(rd_addr), .rdata(rd_data));

    // End-of-frame classification.
    wire [31:0] received_crc = {delay[7:0], delay[15:8], delay[23:16], delay[31:24]};
    wire        empty        = count == 0 && !bad_uart && !d_error;
    reg  [1:0]  status;
    reg  [2:0]  reason;
    always @* begin
        status = STATUS_FRAME;
        reason = 3'd0;
        if (bad_uart)                     reason = REASON_UART;
        else if (d_error)                 reason = REASON_COBS;
        else if (bad_long)                reason = REASON_LONG;
        else if (count < 4)               reason = REASON_SHORT;
        else if (no_slot)                 reason = REASON_OVERRUN;
        else if (received_crc != ~crc)    status = STATUS_CRC;
        else                              status = STATUS_OK;
    end

    // Event FIFO, four deep. An event that finds it full is dropped (still counted; a good frame
    // then counts as a frame error, see below).
    reg [EW-1:0] fifo [0:3];
    reg [1:0]    head, tail;
    reg [2:0]    level;
    wire         fifo_full = level == 3'd4;
    wire         push = end_beat && !empty && !fifo_full;
    wire         pop  = ev_valid && ev_ready;
    assign ev_valid = level != 3'd0;
    assign {ev_status, ev_reason, ev_slot, ev_len} = fifo[head];
    assign busy = ev_valid;
    assign in_ready = in_frame || (slot_free != 2'b00 && !fifo_full);

    always @(posedge clk) begin
        good_frame  <= 1'b0;
        crc_error   <= 1'b0;
        frame_error <= 1'b0;
        if (rst) begin
            count     <= 0;
            crc       <= 32'hffffffff;
            slot      <= 1'b0;
            slot_free <= 2'b11;
            bad_uart  <= 1'b0;
            bad_long  <= 1'b0;
            no_slot   <= 1'b0;
            in_frame  <= 1'b0;
            head      <= 2'd0;
            tail      <= 2'd0;
            level     <= 3'd0;
        end else begin
            if (in_error) bad_uart <= 1'b1;
            if (in_valid) in_frame <= in_data != 8'h00;
            if (data_beat) begin
                if (count == LIMIT) bad_long <= 1'b1;
                else count <= count + 1'b1;
                delay <= {delay[23:0], d_data};
                if (store) crc <= crc_next;
                if (first_byte) begin
                    slot    <= take_slot0 ? 1'b0 : 1'b1;
                    no_slot <= slot_free == 2'b00;
                end
            end
            if (release_valid) slot_free[release_slot] <= 1'b1;
            if (end_beat) begin
                count    <= 0;
                crc      <= 32'hffffffff;
                bad_uart <= 1'b0;
                bad_long <= 1'b0;
                no_slot  <= 1'b0;
                if (!empty) begin
                    // A good frame that finds the event FIFO full (four bad-frame events
                    // waiting) is dropped like an overrun and its slot stays free: an event
                    // lost with the slot taken would hold that slot for ever.
                    good_frame  <= status == STATUS_OK && !fifo_full;
                    crc_error   <= status == STATUS_CRC;
                    frame_error <= status == STATUS_FRAME || (status == STATUS_OK && fifo_full);
                    if (status == STATUS_OK && !fifo_full) slot_free[slot] <= 1'b0;
                end
            end
            if (push) begin
                fifo[tail] <= {status, reason, slot, payload_len};
                tail       <= tail + 1'b1;
            end
            if (pop) head <= head + 1'b1;
            level <= level + {2'd0, push} - {2'd0, pop};
        end
    end
`ifdef FORMAL
    // Any byte stream (in_valid, in_data, in_error, release and ev_ready free in every cycle).
    // 1. A frame is accepted only with a good CRC: an OK event means the decoded bytes since the
    //    last delimiter, CRC included, leave the CRC register at the CRC-32 residue 0xDEBB20E3 (a
    //    formulation without the delay line), number 4..MAX_PAYLOAD + 4, and saw no UART error.
    // 2. Recovery: the cycle after any 0x00, the frame state is the reset state, whatever came
    //    before (the decoder's own state: cobs_decoder.v).
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    always @(*) assume(!(in_valid && in_error));   // the UART gives a byte or an error, not both
    reg  [31:0] f_crc;
    wire [31:0] f_crc_next;
    reg  [AW+1:0] f_n;            // decoded bytes since the delimiter, saturating above LIMIT
    reg         f_uart;
    crc32_byte f_crc_step (.crc_in(f_crc), .data(d_data), .crc_out(f_crc_next));
    always @(posedge clk) begin
        if (data_beat) begin
            f_crc <= f_crc_next;
            if (f_n <= {1'b0, LIMIT}) f_n <= f_n + 1'b1;
        end
        if (in_error) f_uart <= 1'b1;
        if (end_beat || rst) begin
            f_crc  <= 32'hffffffff;
            f_n    <= 0;
            f_uart <= 1'b0;
        end
    end
    always @(*) if (f_past_valid && !rst && end_beat && status == STATUS_OK) begin
`ifndef FRAME_RX_NO_CRC_CHECK
        assert(f_crc == 32'hdebb20e3);
`endif
        assert(f_n >= 4 && f_n <= {1'b0, LIMIT});
        assert(!f_uart);
    end
`ifndef FRAME_RX_NO_SYNC_CHECK
    always @(posedge clk) if (f_past_valid && !$past(rst) && $past(in_valid && in_data == 8'h00)) begin
        assert(count == 0 && crc == 32'hffffffff);
        assert(!bad_long && !no_slot && (!bad_uart || $past(in_error)));
    end
`endif
    always @(posedge clk) cover(f_past_valid && !rst && push && status == STATUS_OK && payload_len == 2);
`ifdef FRAME_RX_CRC_HISTORY
    // Strengthening for the CRC residue (hdl/formal/frame_rx_crc.ys): the model's CRC as it was
    // after each of the last four decoded bytes (f_h[0] is f_crc, f_h[k] k bytes earlier, all
    // 0xFFFFFFFF at a frame's start). Each is one CRC step of the next older one over the delay-line
    // byte in between, and the receiver's CRC register is the oldest, f_h[4] (while it runs: no slot
    // or past the limit it stops, and no OK event follows). Every step of the induction is then one
    // CRC step matched against the same step, and at an OK event the delay line holds ~crc, so
    // f_crc is four steps over a register's complement: the residue.
    reg  [31:0] f_h1, f_h2, f_h3, f_h4;
    wire [31:0] f_e1, f_e2, f_e3, f_e4;
    crc32_byte f_ce1 (.crc_in(f_h1), .data(delay[7:0]),   .crc_out(f_e1));
    crc32_byte f_ce2 (.crc_in(f_h2), .data(delay[15:8]),  .crc_out(f_e2));
    crc32_byte f_ce3 (.crc_in(f_h3), .data(delay[23:16]), .crc_out(f_e3));
    crc32_byte f_ce4 (.crc_in(f_h4), .data(delay[31:24]), .crc_out(f_e4));
    always @(posedge clk) begin
        if (data_beat) {f_h1, f_h2, f_h3, f_h4} <= {f_crc, f_h1, f_h2, f_h3};
        if (end_beat || rst) {f_h1, f_h2, f_h3, f_h4} <= {4{32'hffffffff}};
    end
    always @(*) if (f_past_valid && !rst) begin
        assert(count <= LIMIT);
        assert(bad_long || f_n == {1'b0, count});
        assert(f_uart == bad_uart);
        if (count >= 1) assert(f_crc == f_e1); else assert(f_crc == 32'hffffffff);
        if (count >= 2) assert(f_h1 == f_e2); else assert(f_h1 == 32'hffffffff);
        if (count >= 3) assert(f_h2 == f_e3); else assert(f_h2 == 32'hffffffff);
        if (count >= 4) assert(f_h3 == f_e4); else assert(f_h3 == 32'hffffffff);
        if (count < 4) assert(f_h4 == 32'hffffffff);
        if (count <= 4) assert(crc == 32'hffffffff);
        if (!bad_long && !no_slot) assert(crc == f_h4);
    end
`endif
`ifdef FRAME_RX_INDUCTION
    // Strengthening for k-induction (hdl/formal/frame_rx_ind.ys): the state the properties above
    // rest on, in every reachable state. The model's count and UART flag follow the receiver's;
    // the receiver's CRC register covers every decoded byte but the four in the delay line, so
    // the model's CRC is the receiver's run over those four (over the last `count` of them, from
    // the initial value, while fewer than four arrived). With no slot the receiver stops its CRC;
    // past the limit so does the model: no OK event can follow either.
    wire [31:0] f_d1, f_d2, f_d3, f_d4, f_s1, f_s2, f_s3;
    crc32_byte f_c1 (.crc_in(crc),  .data(delay[31:24]), .crc_out(f_d1));
    crc32_byte f_c2 (.crc_in(f_d1), .data(delay[23:16]), .crc_out(f_d2));
    crc32_byte f_c3 (.crc_in(f_d2), .data(delay[15:8]),  .crc_out(f_d3));
    crc32_byte f_c4 (.crc_in(f_d3), .data(delay[7:0]),   .crc_out(f_d4));
    crc32_byte f_c5 (.crc_in(32'hffffffff), .data(delay[7:0]),  .crc_out(f_s1));
    crc32_byte f_c6 (.crc_in(32'hffffffff), .data(delay[15:8]), .crc_out(f_s2));
    wire [31:0] f_s2b, f_s3a, f_s3b;
    crc32_byte f_c7 (.crc_in(f_s2),  .data(delay[7:0]),   .crc_out(f_s2b));
    crc32_byte f_c8 (.crc_in(32'hffffffff), .data(delay[23:16]), .crc_out(f_s3a));
    crc32_byte f_c9 (.crc_in(f_s3a), .data(delay[15:8]),  .crc_out(f_s3b));
    crc32_byte f_c10 (.crc_in(f_s3b), .data(delay[7:0]),  .crc_out(f_s3));
    always @(*) if (f_past_valid && !rst) begin
        assert(count <= LIMIT && f_n <= {1'b0, LIMIT} + 1'b1);
        assert(bad_long == (f_n == {1'b0, LIMIT} + 1'b1));
        assert(bad_long || f_n == {1'b0, count});
        assert(f_uart == bad_uart);
        assert(count > 4 || crc == 32'hffffffff);
        if (!bad_long && !no_slot) begin
            if (count == 1) assert(f_crc == f_s1);
            if (count == 2) assert(f_crc == f_s2b);
            if (count == 3) assert(f_crc == f_s3);
            if (count >= 4) assert(f_crc == f_d4);
        end
        if (count == 0) assert(f_crc == 32'hffffffff);
        assert(level <= 3'd4);
    end
`endif
`endif
endmodule

`default_nettype wire
