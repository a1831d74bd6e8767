// UART transmitter, 8N1, LSB first: takes a byte when idle and shifts out start bit, 8 data bits
// and stop bit, CLKS_PER_BIT cycles each. The line idles high.
`default_nettype none

module uart_tx #(
    parameter integer CLKS_PER_BIT = 104
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    output wire       in_ready,
    input  wire [7:0] in_data,
    output wire       tx,
    output wire       busy
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [31:0]   FULL32 = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL32[CW-1:0];

    reg [9:0]    shift;      // {stop, data, start}; all ones when idle so that tx idles high
    reg [3:0]    bits_left;
    reg [CW-1:0] count;

    assign in_ready = bits_left == 4'd0;
    assign busy     = !in_ready;
    assign tx       = shift[0];

    always @(posedge clk) begin
        if (rst) begin
            shift     <= 10'h3ff;
            bits_left <= 4'd0;
            count     <= 0;
        end else if (bits_left == 4'd0) begin
            if (in_valid) begin
                shift     <= {1'b1, in_data, 1'b0};
                bits_left <= 4'd10;
                count     <= FULL;
            end
        end else if (count != 0) begin
            count <= count - 1'b1;
        end else begin
            shift     <= {1'b1, shift[9:1]};
            bits_left <= bits_left - 1'b1;
            count     <= FULL;
        end
    end
endmodule

`default_nettype wire
