// UART transmitter, 8N1, LSB first: takes a byte when idle and shifts out start bit, 8 data bits
// and stop bit, `clks_per_bit` cycles each (set at run time by link_baud, latched with the byte, so
// a change takes effect at the next character). The line idles high.
`default_nettype none

module uart_tx #(
    parameter integer DW = 16           // bits of the bit period
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [DW-1:0] clks_per_bit,  // at least 2
    input  wire          in_valid,
    output wire          in_ready,
    input  wire [7:0]    in_data,
    output wire          tx,
    output wire          busy
);
    reg [9:0]    shift;      // {stop, data, start}; all ones when idle so that tx idles high
    reg [3:0]    bits_left;
    reg [DW-1:0] count;
    reg [DW-1:0] full;       // the character's bit period - 1

    assign in_ready = bits_left == 4'd0;
    assign busy     = !in_ready;
    assign tx       = shift[0];

    always @(posedge clk) begin
        if (rst) begin
            shift     <= 10'h3ff;
            bits_left <= 4'd0;
            count     <= 0;
            full      <= 0;
        end else if (bits_left == 4'd0) begin
            if (in_valid) begin
                shift     <= {1'b1, in_data, 1'b0};
                bits_left <= 4'd10;
                count     <= clks_per_bit - 1'b1;
                full      <= clks_per_bit - 1'b1;
            end
        end else if (count != 0) begin
            count <= count - 1'b1;
        end else begin
            shift     <= {1'b1, shift[9:1]};
            bits_left <= bits_left - 1'b1;
            count     <= full;
        end
    end
endmodule

`default_nettype wire
