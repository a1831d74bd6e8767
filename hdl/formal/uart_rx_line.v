// Formal harness for uart_rx: a transmitter model sends one byte of the solver's choice at a bit
// period of the solver's choice within +-3 % of CLKS_PER_BIT, starting at any sub-cycle phase and
// any cycle; the receiver must deliver exactly that byte, once, with no framing error, by the end
// of the stop bit (plus the synchroniser's two cycles). Times are kept in 1/16 cycle so a period
// like 15.52 cycles is exact. Run by scripts/formal.sh (hdl/formal/uart_rx_line.ys).
`default_nettype none

module uart_rx_line #(
    parameter integer CLKS_PER_BIT = 16,
    parameter integer TOLERANCE_PERMILLE = 30
) (
    input wire clk
);
    localparam integer NOMINAL = CLKS_PER_BIT * 16;                        // in 1/16 cycle
    localparam integer PMIN = NOMINAL - (NOMINAL * TOLERANCE_PERMILLE) / 1000;
    localparam integer PMAX = NOMINAL + (NOMINAL * TOLERANCE_PERMILLE) / 1000;

    (* anyconst *) reg [7:0]  f_byte;
    (* anyconst *) reg [11:0] f_period;     // bit period, 1/16 cycle
    (* anyconst *) reg [3:0]  f_phase;      // where in its first cycle the start edge falls
    (* anyconst *) reg [4:0]  f_start;      // cycle at which the start bit begins
    always @(*) assume(f_period >= PMIN && f_period <= PMAX);
    always @(*) assume(f_start >= 5'd3);

    reg [7:0]  cycle = 8'd0;
    reg        rst = 1'b1;
    always @(posedge clk) begin
        if (cycle != 8'hff) cycle <= cycle + 1'b1;
        rst <= 1'b0;
    end

    // Transmitter: bit k (0 start, 1..8 data LSB first, 9 stop) lasts from k*P to (k+1)*P after the
    // start edge; the line is sampled at each clock edge, so a cycle's value is the bit under way
    // at that cycle's time t (in 1/16 cycle since the start edge).
    reg [15:0] t = 16'd0;
    reg        started = 1'b0;
    reg [3:0]  bit_no = 4'd0;        // 10: after the stop bit
    reg [15:0] edge_at = 16'd0;      // time at which bit bit_no ends
    always @(posedge clk) begin
        if (!started && cycle == {3'd0, f_start}) begin
            started <= 1'b1;
            t       <= 16'd16 - {12'd0, f_phase};
            edge_at <= {4'd0, f_period};
            bit_no  <= 4'd0;
        end else if (started) begin
            t <= t + 16'd16;
            if (bit_no != 4'd10 && t + 16'd16 >= edge_at) begin
                bit_no  <= bit_no + 1'b1;
                edge_at <= edge_at + {4'd0, f_period};
            end
        end
    end
    wire line = !started ? 1'b1 : bit_no == 4'd0 ? 1'b0 : bit_no <= 4'd8 ? f_byte[bit_no - 4'd1] : 1'b1;

    wire       out_valid, frame_error, busy;
    wire [7:0] out_data;
    uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) dut (
        .clk(clk), .rst(rst), .rx(line), .out_valid(out_valid), .out_data(out_data),
        .frame_error(frame_error), .busy(busy));

    reg [1:0] f_got = 2'd0;
    reg       f_bad = 1'b0;
    reg [7:0] f_data = 8'd0;
    reg [7:0] f_after = 8'd0;        // cycles since the stop bit ended
    // The receiver's outputs mean something from the cycle after its reset.
    wire f_live = cycle >= 8'd2;
    always @(posedge clk) if (f_live) begin
        if (out_valid) begin
            f_got  <= f_got + 1'b1;
            f_data <= out_data;
        end
        if (frame_error) f_bad <= 1'b1;
    end
    always @(posedge clk) begin
        if (started && bit_no == 4'd10 && f_after != 8'hff) f_after <= f_after + 1'b1;
    end

    always @(*) begin
        assert(!f_bad);                               // never a framing error on a good byte
        assert(f_got <= 2'd1);                        // one byte in, at most one byte out
        if (started && bit_no <= 4'd8) assert(f_got == 2'd0);   // not before the stop bit
        if (f_after == 8'd3) begin                    // stop bit over, synchroniser passed
            assert(f_got == 2'd1);
            assert(f_data == f_byte);
        end
    end
    always @(*) cover(f_after == 8'd3 && f_period == PMIN[11:0]);
    always @(*) cover(f_after == 8'd3 && f_period == PMAX[11:0]);
endmodule

`default_nettype wire
