// UART receiver, 8N1, LSB first.
// A 2-flop synchroniser guards against metastability on the asynchronous rx pin. After a falling
// edge the start bit is re-checked in its middle (a glitch is ignored), then each data bit and the
// stop bit are sampled in their middle, CLKS_PER_BIT cycles apart. A byte whose stop bit is low is
// dropped and reported on `frame_error`; the receiver then waits for the line to go high again, so
// a line held low (a break) costs one error rather than a stream of zero bytes.
// There is no backpressure: the consumer must take one byte per character time.
`default_nettype none

module uart_rx #(
    parameter integer CLKS_PER_BIT = 104
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,
    output reg        out_valid,    // one-cycle pulse with a received byte
    output reg  [7:0] out_data,
    output reg        frame_error,  // one-cycle pulse: the stop bit was low
    output wire       busy          // inside a character
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [31:0]   FULL32 = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL32[CW-1:0];
    localparam [31:0]   HALF32 = (CLKS_PER_BIT - 1) / 2;
    localparam [CW-1:0] HALF = HALF32[CW-1:0];
    localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;

    reg [1:0]    sync;
    reg [1:0]    state;
    reg [CW-1:0] count;
    reg [2:0]    bit_index;
    reg [7:0]    shift;
    reg          armed;         // the line has been seen high since the last error or reset
    wire         line = sync[1];

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
            bit_index <= 3'd0;
        end else begin
            case (state)
                S_IDLE: begin
                    if (line) armed <= 1'b1;
                    if (armed && !line) begin
                        state <= S_START;
                        count <= HALF;
                    end
                end
                S_START:
                    if (count != 0) count <= count - 1'b1;
                    else if (line) state <= S_IDLE;  // glitch, not a start bit
                    else begin
                        state     <= S_DATA;
                        count     <= FULL;
                        bit_index <= 3'd0;
                    end
                S_DATA:
                    if (count != 0) count <= count - 1'b1;
                    else begin
                        shift     <= {line, shift[7:1]};
                        count     <= FULL;
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
