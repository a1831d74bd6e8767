// Formal harness: uart_rx decodes any byte sent at a bit period within its tolerance of its own,
// at any start phase. A transmitter model drives the line: 8N1 bytes of any value (the solver's
// choice), back to back or after any idle gap, each bit lasting Q/100 cycles where Q, chosen once,
// lies within CLKS_PER_BIT * 100 less SHORT and plus LONG hundredths of a percent; bit edges fall
// where a phase accumulator passes a multiple of Q, from a start phase chosen per byte, so they
// land on any cycle pattern the line can show. The receiver must output every byte, in order,
// with its value, no framing error, and within one bit time of the byte's stop bit.
// CLKS_PER_BIT is the bit period the receiver is set to (its clks_per_bit port).
// Depth: every byte finds the receiver idle and armed (asserted where the receiver first sees its
// start bit), the state the first byte after reset finds, and what else the receiver holds is
// loaded afresh at the start bit; the sender starts each byte from a phase the solver picks. So
// the first byte and the start of the next show every case. The first byte's start bit can be
// seen 3 cycles after reset, its stop bit ends within 10 * Q_MAX / 100 cycles more, the idle
// check needs CLKS_PER_BIT more and the next start bit is seen 3 cycles after that stop bit ends:
// BMC to 3 + 10 * Q_MAX / 100 + CLKS_PER_BIT covers them (jobs.txt: 52 at 4 cycles a bit, 64 at
// 5, 100 at 8).
`default_nettype none

module uart_line #(
    parameter integer CLKS_PER_BIT = 8,
    parameter integer SHORT = 300,           // how much shorter the sender's bits may be, 0.01 %
    parameter integer LONG = 300             // how much longer
) (
    input wire clk,
    input wire rst
);
    localparam integer Q_MIN = CLKS_PER_BIT * (10000 - SHORT) / 100;
    localparam integer Q_MAX = CLKS_PER_BIT * (10000 + LONG) / 100;
    localparam integer QW = $clog2(Q_MAX + 101);
    (* anyconst *) reg [QW-1:0] f_q;        // the sender's bit period, hundredths of a cycle
    (* anyseq *)   reg          f_go;       // start a byte when idle
    (* anyseq *)   reg [7:0]    f_data;
    (* anyseq *)   reg [6:0]    f_phase;    // where in its first cycle the start edge falls
    always @(*) assume(f_q >= Q_MIN && f_q <= Q_MAX && f_phase < 7'd100);

    reg  [9:0]    tx_shift = 10'h3ff;       // {stop, data, start}, LSB on the line
    reg  [3:0]    tx_bits = 4'd0;           // bits left to send
    // tx_acc: hundredths of a cycle the bit on the line has lasted at the start of this cycle;
    // the line shows the next bit from the first cycle that starts Q hundredths or more into the
    // bit. The start edge falls f_phase hundredths before the first cycle that shows it low.
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
            tx_acc   <= {{(QW-7){1'b0}}, f_phase};
        end else if (tx_bits != 4'd0) begin
            if (tx_acc + 100 >= f_q) begin      // a bit edge in this cycle
                tx_acc   <= tx_acc + 100 - f_q;
                tx_shift <= {1'b1, tx_shift[9:1]};
                tx_bits  <= tx_bits - 1'b1;
            end else tx_acc <= tx_acc + 100;
        end

    wire       out_valid, frame_error, busy;
    wire [7:0] out_data;
    // The receiver's period register just wide enough for the divider (its width is a parameter;
    // the logic is the same at any width), which keeps the model small.
    localparam integer DW = $clog2(CLKS_PER_BIT) + 1;
    localparam [31:0] DIVIDER32 = CLKS_PER_BIT;
    localparam [DW-1:0] DIVIDER = DIVIDER32[DW-1:0];
    uart_rx #(.DW(DW)) dut (
        .clk(clk), .rst(rst), .rx(line), .clks_per_bit(DIVIDER), .out_valid(out_valid), .out_data(out_data),
        .frame_error(frame_error), .busy(busy));

    // Bytes sent and not yet received: at most two (the last one's stop bit, the next start).
    reg [7:0] f_q0, f_q1;
    reg [1:0] f_n = 2'd0;
    localparam integer IW = $clog2(CLKS_PER_BIT) + 1;
    reg [IW-1:0] f_idle;                   // cycles since the line went idle, saturating
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
        if (rst || tx_bits != 4'd0 || tx_start) f_idle <= 0;
        else if (~&f_idle) f_idle <= f_idle + 1'b1;
    end
    // The receiver's view of the line (its 2-flop synchroniser, high after reset). Where that view
    // first shows a start bit, the receiver must be idle (and armed: only a framing error disarms
    // it), so every byte meets the receiver in the state the first one after reset does.
    reg [1:0] f_sync, f_start;              // f_start: the line showed a start bit, as f_sync
    reg       f_seen;
    always @(posedge clk) begin
        f_sync  <= rst ? 2'b11 : {f_sync[0], line};
        f_start <= rst ? 2'b00 : {f_start[0], tx_bits == 4'd10};
        f_seen  <= rst || f_sync[1];
    end
    always @(*) if (f_past_valid && !rst) begin
        if (f_seen && !f_sync[1] && f_start[1]) assert(!busy);
        assert(!frame_error);
        if (out_valid) assert(f_n != 2'd0 && out_data == f_q0);
        assert(f_n != 2'd3 && !(f_n == 2'd2 && tx_bits < 4'd9));
        if (f_idle >= CLKS_PER_BIT) assert(f_n == 2'd0);
    end
    always @(posedge clk) cover(f_past_valid && out_valid && f_n == 2'd2);   // back to back
endmodule

`default_nettype wire
