// COBS encoder: sends one buffered frame (payload || CRC, read through a port with one cycle of
// latency) as COBS blocks followed by the 0x00 delimiter.
// Each block is found by scanning ahead from its start for a zero, 254 non-zero bytes or the end
// of the frame; then the code byte (block length + 1) and the block's bytes are sent. A zero that
// ends a block is not sent (the decoder restores it); a full 254-byte block is not followed by an
// implicit zero, and a frame that ends right after a full block ends there (no empty last block),
// as in the original paper's encoder and src/link/cobs.ts.
`default_nettype none

module cobs_encoder #(
    parameter integer LW = 10            // bits of a frame length
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          fr_valid,       // a frame is waiting
    input  wire [LW-1:0] fr_total,       // its length (payload and CRC)
    output wire          fr_done,        // one-cycle pulse: the frame has been sent
    output wire [LW-1:0] rd_addr,
    input  wire [7:0]    rd_data,        // byte at rd_addr, one cycle later
    output reg           out_valid,
    input  wire          out_ready,
    output reg  [7:0]    out_data,
    output wire          busy
);
    localparam [2:0] S_IDLE = 3'd0, S_SCAN_RD = 3'd1, S_SCAN_CHK = 3'd2, S_CODE = 3'd3,
                     S_DATA_RD = 3'd4, S_DATA_OUT = 3'd5, S_DELIM = 3'd6;

    reg [2:0]    state;
    reg [LW-1:0] start;      // first byte of the current block
    reg [7:0]    n;          // bytes in the current block (0..254)
    reg [7:0]    i;          // next byte of the block to send
    reg          hit_zero;   // the block ended at a zero, which is skipped

    assign busy    = state != S_IDLE;
    assign fr_done = state == S_DELIM && out_valid && out_ready;

    wire [LW-1:0] scan_pos = start + {{(LW-8){1'b0}}, n};
    // The read address follows the state, so the byte arrives in the next state.
    assign rd_addr = (state == S_SCAN_RD || state == S_SCAN_CHK) ? scan_pos
                   : start + {{(LW-8){1'b0}}, i};

    always @(posedge clk) begin
        if (rst) begin
            state     <= S_IDLE;
            out_valid <= 1'b0;
            start     <= 0;
            n         <= 8'd0;
            i         <= 8'd0;
            hit_zero  <= 1'b0;
        end else begin
            case (state)
                S_IDLE:
                    if (fr_valid) begin
                        start <= 0;
                        n     <= 8'd0;
                        state <= S_SCAN_RD;
                    end
                S_SCAN_RD: begin
                    hit_zero <= 1'b0;
                    if (scan_pos == fr_total || n == 8'd254) state <= S_CODE;
                    else state <= S_SCAN_CHK;
                end
                S_SCAN_CHK:  // rd_data is the byte at scan_pos
                    if (rd_data == 8'h00) begin
                        hit_zero <= 1'b1;
                        state    <= S_CODE;
                    end else begin
                        n     <= n + 8'd1;
                        state <= S_SCAN_RD;
                    end
                S_CODE:
                    if (!out_valid) begin
                        out_valid <= 1'b1;
                        out_data  <= n + 8'd1;
                    end else if (out_ready) begin
                        out_valid <= 1'b0;
                        i         <= 8'd0;
                        state     <= S_DATA_RD;
                    end
                S_DATA_RD:
                    if (i == n) begin  // block sent: next block, or the delimiter at the end
                        start <= scan_pos + {{(LW-1){1'b0}}, hit_zero};
                        n     <= 8'd0;
                        // After a zero another block always follows (possibly empty); after a
                        // full block only if bytes remain.
                        state <= (hit_zero || (n == 8'd254 && scan_pos != fr_total)) ? S_SCAN_RD : S_DELIM;
                    end else begin
                        state <= S_DATA_OUT;
                    end
                S_DATA_OUT:
                    if (!out_valid) begin
                        out_valid <= 1'b1;
                        out_data  <= rd_data;
                    end else if (out_ready) begin
                        out_valid <= 1'b0;
                        i         <= i + 8'd1;
                        state     <= S_DATA_RD;
                    end
                default:  // S_DELIM
                    if (!out_valid) begin
                        out_valid <= 1'b1;
                        out_data  <= 8'h00;
                    end else if (out_ready) begin
                        out_valid <= 1'b0;
                        state     <= S_IDLE;
                    end
            endcase
        end
    end
endmodule

`default_nettype wire
