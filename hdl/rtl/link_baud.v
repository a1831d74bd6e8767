// Link bit rate: the UART's bit period in clock cycles (`divider`), shared by uart_rx and uart_tx.
// It starts at SAFE (the build's CLKS_PER_BIT, 104 at 12 MHz = 115,200 baud) after reset.
// SetBaud (link_dispatch checks the range and sends the Ack) hands over a new divider on
// `set_valid`; it takes effect once the line is idle (`line_idle`: nothing being received, the Ack
// and every other reply sent), so the Ack leaves at the old rate. Two ways back to SAFE keep a host
// that could not follow from being locked out:
//   - watchdog: after a switch, no good frame within WATCHDOG cycles (2^21: 175 ms at 12 MHz);
//   - break: rx low for 16 bit periods of the current divider, which no 8N1 character can do
//     (at most 9 low bits); a host at the safe rate makes one with any 0x00 byte, since that is
//     9 safe bits low, more than 16 bits of any divider up to SAFE / 2.
// `busy` is high while a switch waits or the watchdog runs (so the simulator keeps the clock going).
`default_nettype none

module link_baud #(
    parameter integer SAFE     = 104,
    parameter integer WATCHDOG = 1 << 21,
    parameter integer DW       = 16
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          rx,           // the rx pin (asynchronous)
    input  wire          set_valid,    // one cycle: switch to set_divider when the line is idle
    input  wire [DW-1:0] set_divider,
    input  wire          line_idle,
    input  wire          good_frame,   // frame_rx: a frame with a good CRC arrived
    output reg  [DW-1:0] divider,
    output wire          busy
);
    localparam [31:0]   SAFE32 = SAFE;
    localparam [DW-1:0] SAFE_DIV = SAFE32[DW-1:0];
    localparam integer  WW = $clog2(WATCHDOG + 1);
    localparam [31:0]   WATCHDOG32 = WATCHDOG;
    localparam [WW-1:0] WATCHDOG_END = WATCHDOG32[WW-1:0];

    reg [1:0]    sync;
    reg          pending;
    reg [DW-1:0] next;
    reg          armed;
    reg [WW-1:0] wd_count;
    reg [DW+3:0] low_count;      // cycles rx has been low, up to 16 bit periods
    wire         line = sync[1];
    wire         broken = low_count == {divider, 4'b0000};

    assign busy = pending || armed;

    always @(posedge clk) begin
        sync <= {sync[0], rx};
        if (rst) begin
            sync      <= 2'b11;
            divider   <= SAFE_DIV;
            pending   <= 1'b0;
            armed     <= 1'b0;
            wd_count  <= 0;
            low_count <= 0;
        end else begin
            if (line) low_count <= 0;
            else if (!broken) low_count <= low_count + 1'b1;
            if (set_valid) begin
                pending <= 1'b1;
                next    <= set_divider;
            end else if (pending && line_idle) begin
                pending  <= 1'b0;
                divider  <= next;
                armed    <= 1'b1;
                wd_count <= 0;
            end else if (armed) begin
                if (good_frame) armed <= 1'b0;
                else if (wd_count == WATCHDOG_END) begin
                    armed   <= 1'b0;
                    divider <= SAFE_DIV;
                end else wd_count <= wd_count + 1'b1;
            end
            if (broken && line == 1'b0 && divider != SAFE_DIV && !pending) begin
                divider <= SAFE_DIV;
                armed   <= 1'b0;
            end
        end
    end

`ifdef FORMAL
    // hdl/formal/link_baud.ys: the divider changes only to the safe one or at a switch while the
    // line is idle; the watchdog runs at most WATCHDOG + 1 cycles (not counting SetBaud pulses),
    // and when it ends without a good frame the divider is the safe one again.
    reg          f_past_valid = 1'b0;
    reg          f_past2 = 1'b0;
    reg [WW:0]   f_armed_run;
    always @(posedge clk) begin
        f_past_valid <= 1'b1;
        f_past2      <= f_past_valid;
    end
    always @(*) if (!f_past_valid) assume(rst);
    // SetBaud comes from link_dispatch as a one-cycle pulse.
    always @(posedge clk) if (f_past_valid && $past(set_valid)) assume(!set_valid);
    always @(posedge clk) begin
        if (armed && !set_valid) f_armed_run <= f_armed_run + 1'b1;
        if (!armed) f_armed_run <= 0;
        if (!set_valid && pending && line_idle) f_armed_run <= 0;   // a switch restarts it
        if (rst) f_armed_run <= 0;
    end
    always @(*) if (f_past_valid && !rst) begin
        if (armed) assert(wd_count <= WATCHDOG_END);
        assert(f_armed_run <= WATCHDOG32[WW:0] + 1'b1);
    end
    always @(posedge clk) if (f_past2 && !$past(rst) && !rst) begin
        if (divider != $past(divider)) assert(divider == SAFE_DIV || ($past(pending) && $past(line_idle)));
        if ($past(armed) && !armed && !$past(good_frame) && !$past(set_valid)) assert(divider == SAFE_DIV);
    end
    always @(posedge clk) cover(f_past2 && $past(armed) && !armed && divider == SAFE_DIV && !$past(broken));
    always @(posedge clk) cover(f_past2 && $past(divider) != SAFE_DIV && divider == SAFE_DIV && $past(broken));
    always @(posedge clk) cover(f_past_valid && divider != SAFE_DIV && !armed);
`endif
endmodule

`default_nettype wire
