// Candidate unpacker: turns the packed candidate bytes (docs/validator-program.md, "Candidate
// encoding": variable i's index in w_i bits, LSB first, variables in order) into one 8-bit index
// per variable, written to an engine lane's assignment memory. Bit-serial to stay small: one bit
// per cycle, a variable written with its last bit (a 0-bit variable takes one cycle), one cycle
// per byte taken. validator_core checks the length beforehand, so exactly the candidate's bytes
// arrive; the lanes check the other bank meanwhile.
`default_nettype none

module validator_unpacker #(
    parameter MAX_VARS = 1024
) (
    input  wire              clk,
    input  wire              clear,
    input  wire              start,          // one cycle: unpack a candidate of num_vars variables
    input  wire [VW:0]       num_vars,
    input  wire              data_valid,
    input  wire [7:0]        data,
    output wire              data_ready,
    // width table read port (registered: data one cycle after the address)
    output wire [VW-2:0]     width_raddr,
    input  wire [7:0]        width_rdata,
    // assignment memory write
    output wire              wr_en,
    output wire [VW-1:0]     wr_var,
    output wire [7:0]        wr_index,
    output wire              done            // one cycle, after the last variable is written
);
    localparam VW = $clog2(MAX_VARS);

    reg          priming;        // one cycle for the first width byte to be read
    reg          running;
    reg  [VW:0]  var_i;
    reg  [3:0]   bit_k;          // bits of var_i taken so far
    reg  [7:0]   index;          // ... and their value
    reg  [7:0]   byte_buf;       // unread bits of the current byte, LSB next
    reg  [3:0]   byte_bits;

    wire [3:0]   width = var_i[0] ? width_rdata[7:4] : width_rdata[3:0];
    wire         active = running && var_i != num_vars;
    wire         need_bit = bit_k != width;
    wire         take_bit = active && need_bit && byte_bits != 4'd0;
    wire [7:0]   bit_mask = take_bit && byte_buf[0] ? 8'd1 << bit_k[2:0] : 8'd0;
    wire         finish = active && (!need_bit || (take_bit && bit_k + 4'd1 == width));
    wire [VW:0]  var_next = var_i + 1'b1;

    assign data_ready = active && need_bit && byte_bits == 4'd0;
    // Read the width byte of the variable that will be current in the next cycle.
    assign width_raddr = finish ? var_next[VW-1:1] : var_i[VW-1:1];
    assign wr_en = finish;
    assign wr_var = var_i[VW-1:0];
    assign wr_index = index | bit_mask;
    assign done = running && !active;

    always @(posedge clk) begin
        if (clear) begin
            priming <= 1'b0;
            running <= 1'b0;
        end else if (start) begin
            priming <= 1'b1;
            var_i <= {(VW+1){1'b0}};
            bit_k <= 4'd0;
            index <= 8'd0;
            byte_bits <= 4'd0;
        end else if (priming) begin
            priming <= 1'b0;
            running <= 1'b1;
        end else if (done) begin
            running <= 1'b0;
        end else begin
            if (data_ready && data_valid) begin
                byte_buf <= data;
                byte_bits <= 4'd8;
            end else if (take_bit) begin
                byte_buf <= byte_buf >> 1;
                byte_bits <= byte_bits - 4'd1;
            end
            if (finish) begin
                var_i <= var_next;
                bit_k <= 4'd0;
                index <= 8'd0;
            end else if (take_bit) begin
                bit_k <= bit_k + 4'd1;
                index <= index | bit_mask;
            end
        end
    end
endmodule

`default_nettype wire
