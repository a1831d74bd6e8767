// Formal harness: uart_rx decodes any byte sent at a bit period within TOL percent of its own,
// at any start phase. A transmitter model drives the line: 8N1 bytes of any value (the solver's
// choice), back to back or after any idle gap, each bit lasting Q/100 cycles where Q, chosen once,
// lies within CLKS_PER_BIT * (100 +- TOL); bit edges fall where a phase accumulator passes a
// multiple of Q, from a start phase chosen per byte, so they land on any cycle pattern the line
// can show. The receiver must output every byte, in order, with its value, no framing error, and
// within one bit time of the byte's stop bit. CLKS_PER_BIT is the bit period the receiver is set
// to: today its parameter, later the divider port this harness would drive instead.
`default_nettype none

module uart_line #(
    parameter integer CLKS_PER_BIT = 8,
    parameter integer TOL = 3                // percent
) (
    input wire clk,
    input wire rst
);
    localparam integer QW = $clog2(CLKS_PER_BIT * (100 + TOL) + 101);
    localparam integer Q_MIN = CLKS_PER_BIT * (100 - TOL), Q_MAX = CLKS_PER_BIT * (100 + TOL);
    (* anyconst *) reg [QW-1:0] f_q;        // the sender's bit period, hundredths of a cycle
    (* anyseq *)   reg          f_go;       // start a byte when idle
    (* anyseq *)   reg [7:0]    f_data;
    (* anyseq *)   reg [6:0]    f_phase;    // where in its first cycle the start edge falls
    always @(*) assume(f_q >= Q_MIN && f_q <= Q_MAX && f_phase < 7'd100);

    reg  [9:0]    tx_shift = 10'h3ff;       // {stop, data, start}, LSB on the line
    reg  [3:0]    tx_bits = 4'd0;           // bits left to send
    reg  [QW-1:0] tx_acc;
    wire          line = tx_shift[0];
    wire          tx_start = tx_bits == 4'd0 && f_go && !rst;
    always @(posedge clk)
        if (rst) begin
            tx_shift <= 10'h3ff;
            tx_bits  <= 4'd0;
        end else if (tx_start) begin
            tx_shift <= {1'b1, f_data, 1'b0};
            tx_bits  <= 4'd10;
            tx_acc   <= {{(QW-7){1'b0}}, f_phase} + 100;
        end else if (tx_bits != 4'd0) begin
            if (tx_acc + 100 >= f_q) begin      // a bit edge in this cycle
                tx_acc   <= tx_acc + 100 - f_q;
                tx_shift <= {1'b1, tx_shift[9:1]};
                tx_bits  <= tx_bits - 1'b1;
            end else tx_acc <= tx_acc + 100;
        end

    wire       out_valid, frame_error, busy;
    wire [7:0] out_data;
    localparam [15:0] DIVIDER = CLKS_PER_BIT;
    uart_rx #(.DW(16)) dut (
        .clk(clk), .rst(rst), .rx(line), .clks_per_bit(DIVIDER), .out_valid(out_valid), .out_data(out_data),
        .frame_error(frame_error), .busy(busy));

    // Bytes sent and not yet received: at most two (the last one's stop bit, the next start).
    reg [7:0] f_q0, f_q1;
    reg [1:0] f_n = 2'd0;
    reg [7:0] f_idle;                      // cycles since the line went idle, saturating
    reg       f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    always @(posedge clk) begin
        if (rst) f_n <= 2'd0;
        else begin
            if (tx_start) begin
                if (f_n == 2'd0 || (f_n == 2'd1 && out_valid)) f_q0 <= f_data;
                else f_q1 <= f_data;
                if (out_valid && f_n == 2'd2) f_q0 <= f_q1;
            end else if (out_valid) f_q0 <= f_q1;
            f_n <= f_n + {1'b0, tx_start} - {1'b0, out_valid};
        end
        if (rst || tx_bits != 4'd0 || tx_start) f_idle <= 8'd0;
        else if (f_idle != 8'hff) f_idle <= f_idle + 1'b1;
    end
    always @(*) if (f_past_valid && !rst) begin
        assert(!frame_error);
        if (out_valid) assert(f_n != 2'd0 && out_data == f_q0);
        assert(f_n != 2'd3 && !(f_n == 2'd2 && tx_bits < 4'd9));
        if (f_idle >= CLKS_PER_BIT) assert(f_n == 2'd0);
    end
    always @(posedge clk) cover(f_past_valid && out_valid && f_n == 2'd2);   // back to back
endmodule

`default_nettype wire
