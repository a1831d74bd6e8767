// UART receiver, 8N1, LSB first, with a bit period set at run time (`clks_per_bit`, clock cycles
// per bit, at least 4; link_baud sets it). A 2-flop synchroniser guards against metastability on
// the asynchronous rx pin. After a falling edge the start bit is re-checked in its middle (a glitch
// is ignored), then each data bit and the stop bit are sampled in their middle, clks_per_bit cycles
// apart; the period is latched at the start bit, so a change takes effect at the next character.
// A byte whose stop bit is low is dropped and reported on `frame_error`; the receiver then waits
// for the line to go high again, so a line held low (a break) costs one error rather than a
// stream of zero bytes.
// Sampling point: the start bit is seen 2 to 3 cycles after its edge (the synchroniser), and the
// first check comes (clks_per_bit - 2) / 2 + 1 cycles later, so every sample lies 0 to 1 cycle
// after a bit's middle for an even period and -0.5 to +0.5 for an odd one. At 4 cycles per bit
// the late side is the narrow one: host bits may be 2.75 % short or 5.5 % long, at any phase
// (proven: hdl/formal/uart_line.v; 3 % short or 5.75 % long fail); from 5 cycles per bit on,
// +-3 % (proven at 5 and 8; hdl/tb/uart_rx_tb.cpp measures it up to 104, test/uart-tb.test.ts).
// There is no backpressure: the consumer must take one byte per character time.
`default_nettype none

module uart_rx #(
    parameter integer DW = 16           // bits of the bit period
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          rx,
    input  wire [DW-1:0] clks_per_bit,  // at least 4
    output reg           out_valid,     // one-cycle pulse with a received byte
    output reg  [7:0]    out_data,
    output reg           frame_error,   // one-cycle pulse: the stop bit was low
    output wire          busy           // inside a character
);
    localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;

    reg [1:0]    sync;
    reg [1:0]    state;
    reg [DW-1:0] count;
    reg [DW-1:0] full;          // the character's bit period - 1
    reg [2:0]    bit_index;
    reg [7:0]    shift;
    reg          armed;         // the line has been seen high since the last error or reset
    wire         line = sync[1];
    localparam [DW-1:0] TWO = 2;
    wire [DW-1:0] half = (clks_per_bit - TWO) >> 1;

    assign busy = state != S_IDLE;

    always @(posedge clk) begin
        sync        <= {sync[0], rx};
        out_valid   <= 1'b0;
        frame_error <= 1'b0;
        if (rst) begin
            sync      <= 2'b11;
            state     <= S_IDLE;
            armed     <= 1'b0;
            count     <= 0;
            full      <= 0;
            bit_index <= 3'd0;
        end else begin
            case (state)
                S_IDLE: begin
                    if (line) armed <= 1'b1;
                    if (armed && !line) begin
                        state <= S_START;
                        count <= half;
                        full  <= clks_per_bit - 1'b1;
                    end
                end
                S_START:
                    if (count != 0) count <= count - 1'b1;
                    else if (line) state <= S_IDLE;  // glitch, not a start bit
                    else begin
                        state     <= S_DATA;
                        count     <= full;
                        bit_index <= 3'd0;
                    end
                S_DATA:
                    if (count != 0) count <= count - 1'b1;
                    else begin
                        shift     <= {line, shift[7:1]};
                        count     <= full;
                        bit_index <= bit_index + 1'b1;
                        if (bit_index == 3'd7) state <= S_STOP;
                    end
                default:  // S_STOP
                    if (count != 0) count <= count - 1'b1;
                    else begin
                        state <= S_IDLE;
                        if (line) begin
                            out_valid <= 1'b1;
                            out_data  <= shift;
                        end else begin
                            frame_error <= 1'b1;
                            armed       <= 1'b0;
                        end
                    end
            endcase
        end
    end
endmodule

`default_nettype wire
