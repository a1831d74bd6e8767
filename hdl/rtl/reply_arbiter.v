// Shares the reply encoder between two reply sources (the link dispatcher and the constraint
// engine). A grant lasts one whole reply, until the encoder's ready pulse; when both wait, they
// take turns. The encoder's field and item selects go to both sources; only the values and the
// handshake are switched here.
`default_nettype none

module reply_arbiter (
    input  wire        clk,
    input  wire        rst,
    input  wire        a_valid,
    output wire        a_ready,
    input  wire [3:0]  a_kind,
    input  wire [31:0] a_val,
    input  wire [31:0] a_item_val,
    input  wire        b_valid,
    output wire        b_ready,
    input  wire [3:0]  b_kind,
    input  wire [31:0] b_val,
    input  wire [31:0] b_item_val,
    output wire        y_valid,
    input  wire        y_ready,
    output wire [3:0]  y_kind,
    output wire [31:0] y_val,
    output wire [31:0] y_item_val
);
    reg grant_a, grant_b;
    reg prefer_b;   // who goes first when both wait

    assign y_valid    = (grant_a && a_valid) || (grant_b && b_valid);
    assign a_ready    = grant_a && y_ready;
    assign b_ready    = grant_b && y_ready;
    assign y_kind     = grant_b ? b_kind : a_kind;
    assign y_val      = grant_b ? b_val : a_val;
    assign y_item_val = grant_b ? b_item_val : a_item_val;

    always @(posedge clk) begin
        if (rst) begin
            grant_a  <= 1'b0;
            grant_b  <= 1'b0;
            prefer_b <= 1'b0;
        end else if (grant_a || grant_b) begin
            if (y_ready) begin
                grant_a  <= 1'b0;
                grant_b  <= 1'b0;
                prefer_b <= grant_a;
            end
        end else if (b_valid && (prefer_b || !a_valid)) begin
            grant_b <= 1'b1;
        end else if (a_valid) begin
            grant_a <= 1'b1;
        end
    end
endmodule

`default_nettype wire
