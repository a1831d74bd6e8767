// Transmit buffer: two frame slots in block RAM, so the next reply can be written while the
// previous one is still going out on the UART.
// The writer streams a payload in (in_last on its final byte); the buffer computes its CRC-32 on
// the way and then appends it, little-endian, in the four cycles after in_last (in_ready is low
// meanwhile). The reader (cobs_encoder) sees the oldest complete frame, payload || CRC, through
// a read port with one cycle of latency, and releases it with fr_done.
// A payload must fit in MAX_PAYLOAD bytes; every reply the device builds does.
// Each frame carries a one-bit tag (in_tag with its in_last byte, fr_tag while it is read): the
// link marks Verdicts with it to know when a candidate's answer has left.
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
    input  wire          in_tag,
    output wire          fr_valid,
    output wire [AW:0]   fr_total,        // payload and CRC bytes
    input  wire          fr_done,
    output wire          fr_tag,
    input  wire [AW:0]   rd_addr,
    output wire [7:0]    rd_data,
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);

    reg          wslot, rslot;
    reg [1:0]    full;          // complete frames waiting
    reg [AW:0]   widx;
    reg [31:0]   crc;           // running CRC; the final value while it is appended
    reg [2:0]    crc_left;      // CRC bytes still to append
    reg [AW:0]   len0, len1;
    reg [1:0]    tag;           // per slot
    wire [31:0]  crc_next;

    crc32_byte crc_step (.crc_in(crc), .data(in_data), .crc_out(crc_next));

    wire appending = crc_left != 3'd0;
    wire accept    = in_valid && in_ready;
    assign in_ready = full != 2'd2 && !appending;
    assign fr_valid = full != 2'd0;
    assign fr_total = rslot ? len1 : len0;
    assign fr_tag   = tag[rslot];
    assign busy     = fr_valid || appending;

    frame_ram #(.AW(AW + 2)) ram (
        .clk(clk), .we(accept || appending), .waddr({wslot, widx}),
        .wdata(appending ? crc[7:0] : in_data), .raddr({rslot, rd_addr}), .rdata(rd_data));

    always @(posedge clk) begin
        if (rst) begin
            wslot    <= 1'b0;
            rslot    <= 1'b0;
            full     <= 2'd0;
            widx     <= 0;
            crc      <= 32'hffffffff;
            crc_left <= 3'd0;
        end else begin
            if (accept) begin
                widx <= widx + 1'b1;
                crc  <= crc_next;
                if (in_last) begin
                    tag[wslot] <= in_tag;
                    crc      <= ~crc_next;
                    crc_left <= 3'd4;
                end
            end
            if (appending) begin
                widx     <= widx + 1'b1;
                crc      <= crc >> 8;
                crc_left <= crc_left - 3'd1;
                if (crc_left == 3'd1) begin
                    if (wslot) len1 <= widx + 1'b1;
                    else       len0 <= widx + 1'b1;
                    wslot <= !wslot;
                    widx  <= 0;
                    crc   <= 32'hffffffff;
                end
            end
            if (fr_done) rslot <= !rslot;
            full <= full + {1'b0, appending && crc_left == 3'd1} - {1'b0, fr_done};
        end
    end
endmodule

`default_nettype wire
