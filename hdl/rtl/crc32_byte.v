// One byte of CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), combinational.
// The caller keeps the running state: start at 32'hFFFFFFFF and invert at the end, which gives
// the same value as src/model/crc32.ts.
`default_nettype none

module crc32_byte (
    input  wire [31:0] crc_in,
    input  wire [7:0]  data,
    output reg  [31:0] crc_out
);
    integer k;
    always @* begin
        crc_out = crc_in ^ {24'd0, data};
        for (k = 0; k < 8; k = k + 1)
            crc_out = crc_out[0] ? ((crc_out >> 1) ^ 32'hEDB88320) : (crc_out >> 1);
    end
endmodule

`default_nettype wire
