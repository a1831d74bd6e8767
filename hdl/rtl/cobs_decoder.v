// COBS decoder for a stream of 0x00-terminated frames.
// Every input byte yields at most one output beat: a data byte (out_end = 0), or, for the 0x00
// delimiter, an end-of-frame beat (out_end = 1) whose out_error says the frame stopped inside a
// block (bad COBS). A code byte c < 0xFF means "c-1 data bytes, then a zero"; the zero is emitted
// when the next code byte arrives, so the implicit zero at the end of the frame is dropped.
// Decoding restarts after every delimiter, which is how the link resynchronises after garbage.
// There is no backpressure: the consumer takes every beat (it comes from a UART, which has none).
`default_nettype none

module cobs_decoder (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    input  wire [7:0] in_data,
    output reg        out_valid,
    output reg  [7:0] out_data,
    output reg        out_end,
    output reg        out_error
);
    reg [7:0] remaining;     // data bytes left in the current block
    reg       zero_pending;  // the current block ends with an implicit zero

    always @* begin
        out_end   = 1'b0;
        out_error = 1'b0;
        out_data  = in_data;
        out_valid = 1'b0;
        if (in_valid) begin
            if (in_data == 8'h00) begin
                out_valid = 1'b1;
                out_end   = 1'b1;
                out_error = remaining != 8'd0;
            end else if (remaining == 8'd0) begin  // a code byte: release the pending zero
                out_valid = zero_pending;
                out_data  = 8'h00;
            end else begin
                out_valid = 1'b1;
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            remaining    <= 8'd0;
            zero_pending <= 1'b0;
        end else if (in_valid) begin
            if (in_data == 8'h00) begin
                remaining    <= 8'd0;
                zero_pending <= 1'b0;
            end else if (remaining == 8'd0) begin
                remaining    <= in_data - 8'd1;
                zero_pending <= in_data != 8'hff;
            end else begin
                remaining <= remaining - 8'd1;
            end
        end
    end
`ifdef FORMAL
`ifndef COBS_NO_SYNC_CHECK     // left out where another harness proves it (frame_rx_crc.ys)
    // Resynchronisation: after a delimiter the decoder is in its reset state, whatever came before.
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(posedge clk) if (f_past_valid && !$past(rst) && $past(in_valid && in_data == 8'h00))
        assert(remaining == 8'd0 && !zero_pending);
`endif
`endif
endmodule

`default_nettype wire
