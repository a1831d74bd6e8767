// Transmit buffer: two frame slots in one block RAM, so the next reply can be written while the
// previous one is still going out on the UART.
// The writer streams a payload in (in_last on its final byte); the buffer computes its CRC-32 on
// the way. The reader (cobs_encoder) sees the oldest complete frame as payload || CRC
// (little-endian) through a read port with one cycle of latency, and releases it with fr_done.
// A payload must fit in MAX_PAYLOAD bytes; every reply the device builds does.
`default_nettype none

module tx_buffer #(
    parameter integer MAX_PAYLOAD = 512   // a power of two
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          in_valid,
    output wire          in_ready,
    input  wire [7:0]    in_data,
    input  wire          in_last,
    output wire          fr_valid,
    output wire [AW:0]   fr_total,
    input  wire          fr_done,
    input  wire [AW:0]   rd_addr,
    output wire [7:0]    rd_data,
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam [AW:0]  CRC_BYTES = 4;

    reg          wslot, rslot;
    reg [1:0]    full;          // complete frames waiting
    reg [AW-1:0] widx;
    reg [31:0]   crc;
    reg [AW:0]   len0, len1;
    reg [31:0]   crc0, crc1;
    wire [31:0]  crc_next;

    crc32_byte crc_step (.crc_in(crc), .data(in_data), .crc_out(crc_next));

    wire accept = in_valid && in_ready;
    assign in_ready = full != 2'd2;
    assign fr_valid = full != 2'd0;
    wire [AW:0]  rlen = rslot ? len1 : len0;
    wire [31:0]  rcrc = rslot ? crc1 : crc0;
    assign fr_total = rlen + CRC_BYTES;
    assign busy     = fr_valid;

    // Read side: a RAM byte, or one of the CRC bytes after the payload.
    wire [7:0] ram_q;
    reg        crc_sel;
    reg [1:0]  crc_byte;
    wire [1:0]  crc_index = rd_addr[1:0] - rlen[1:0];
    frame_ram #(.AW(AW + 1)) ram (
        .clk(clk), .we(accept), .waddr({wslot, widx}), .wdata(in_data),
        .raddr({rslot, rd_addr[AW-1:0]}), .rdata(ram_q));
    assign rd_data = crc_sel ? rcrc[8*crc_byte +: 8] : ram_q;

    always @(posedge clk) begin
        crc_sel  <= rd_addr >= rlen;
        crc_byte <= crc_index;
        if (rst) begin
            wslot <= 1'b0;
            rslot <= 1'b0;
            full  <= 2'd0;
            widx  <= 0;
            crc   <= 32'hffffffff;
        end else begin
            if (accept) begin
                widx <= widx + 1'b1;
                crc  <= crc_next;
                if (in_last) begin
                    if (wslot) begin len1 <= {1'b0, widx} + 1'b1; crc1 <= ~crc_next; end
                    else       begin len0 <= {1'b0, widx} + 1'b1; crc0 <= ~crc_next; end
                    wslot <= !wslot;
                    widx  <= 0;
                    crc   <= 32'hffffffff;
                end
            end
            if (fr_done) rslot <= !rslot;
            full <= full + {1'b0, accept && in_last} - {1'b0, fr_done};
        end
    end
endmodule

`default_nettype wire
