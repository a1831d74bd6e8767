// Formal harness: COBS decode inverts encode. cobs_encoder sends a frame of up to N bytes (any
// contents, the solver's choice, zeros anywhere) with any stalls on its output, straight into
// cobs_decoder; the decoder must give back exactly the frame's bytes, in order, then an
// end-of-frame beat without error, and nothing else. Frames of N bytes hold up to N + 1 blocks;
// a full 254-byte block is beyond a bounded proof and is covered by the per-block bench.
`default_nettype none

module cobs_pair #(
    parameter integer N  = 4,     // largest frame, bytes
    parameter integer LW = 9      // encoder length width (at least 9: it zero-extends 8-bit counts)
) (
    input wire clk,
    input wire rst
);
    (* anyconst *) reg [8*N-1:0] f_bytes;    // the frame
    (* anyconst *) reg [LW-1:0]  f_total;    // its length
    (* anyseq *)   reg           f_ready;    // the stream's consumer stalls at will

    wire          done, busy, e_valid;
    wire [LW-1:0] rd_addr;
    wire [7:0]    e_data;
    reg  [7:0]    rd_data;
    reg           sent = 1'b0;               // one frame, then the encoder idles
    always @(posedge clk) rd_data <= rd_addr < N ? f_bytes[8*rd_addr +: 8] : 8'h00;
    always @(posedge clk) if (rst) sent <= 1'b0; else if (done) sent <= 1'b1;

    cobs_encoder #(.LW(LW)) enc (
        .clk(clk), .rst(rst), .fr_valid(!sent), .fr_total(f_total), .fr_done(done),
        .rd_addr(rd_addr), .rd_data(rd_data), .out_valid(e_valid), .out_ready(f_ready),
        .out_data(e_data), .busy(busy));

    wire       d_valid, d_end, d_error;
    wire [7:0] d_data;
    cobs_decoder dec (
        .clk(clk), .rst(rst), .in_valid(e_valid && f_ready), .in_data(e_data),
        .out_valid(d_valid), .out_data(d_data), .out_end(d_end), .out_error(d_error));

    reg f_past_valid = 1'b0;
    reg [LW-1:0] f_k;                        // bytes decoded so far
    reg          f_ended;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    always @(*) assume(f_total <= N);
    always @(posedge clk)
        if (rst) begin
            f_k <= 0;
            f_ended <= 1'b0;
        end else if (d_valid) begin
            if (d_end) f_ended <= 1'b1;
            else f_k <= f_k + 1'b1;
        end

    always @(*) if (f_past_valid && !rst && d_valid) begin
        assert(!f_ended);                                  // nothing after the delimiter
        if (d_end) assert(!d_error && f_k == f_total);     // the whole frame, no more
        else assert(f_k < f_total && d_data == f_bytes[8*f_k +: 8]);
    end
    // The encoder's stream holds its byte while stalled (R1).
    always @(posedge clk) if (f_past_valid && !$past(rst) && !rst && $past(e_valid && !f_ready)) begin
        assert(e_valid);
        assert(e_data == $past(e_data));
    end
    always @(*) if (f_past_valid && done) assert(f_ended || (d_valid && d_end));
    always @(posedge clk) cover(f_past_valid && done && f_total == 2 && f_bytes[7:0] == 8'h00
                                && f_bytes[15:8] != 8'h00);
    always @(posedge clk) cover(f_past_valid && done && f_total == 0);
endmodule

`default_nettype wire
