// Wire decoder of the validator program (docs/validator-program.md, "Wire encoding"): the bytes
// of the words section in, one 64-bit program word out per encoded word. Owned by
// validator_loader, which feeds it the words section byte by byte and writes each word it emits
// to the program memory after its own checks (opcode, comparison code, variable, word count).
//
// A word on the wire is a header byte (wire opcode in bits 7..4; NEG, ET, EC, MODE in bits 3..0,
// copied to word bits 59..56) and the opcode's operands as LEB128 varints, each minimal and
// within its field's width W (WIRE_FIELDS in src/model/isa.ts):
//   0 TRUE  -                         4 LCMP  cop (3), zigzag(k) (32)
//   1 IN    x (16), base (8), mask (32)  5 ADIFF x (16), off (8)
//   2 CMP   x (16), y (16), zigzag(c) << 3 | cop (19)
//   3 ACC   x (16), zigzag(coef) << 1 | CLR (17)
//   6 LIT   x << 1 | base (17): IN with mask 1 and base 0 or 1
//   7 IN0   x (16), mask (32): IN with base 0
// Malformed (m_err, sticky until `clear`): a wire opcode 8..15; a varint byte at or past bit W
// (over-long), a set bit at or past W (over its field), or a last byte of 0 after the first (not
// minimal). After m_err (and at_header low) the decoder takes bytes and ignores them.
//
// Ports: s_* is the byte stream (valid/ready; s_ready = !m_valid || m_ready, one byte a cycle);
// m_* the words (valid/ready, m_word held while m_valid), registered: a word is offered the cycle
// after its last byte. `at_header` (a flop) is high when the next byte starts a word, so a
// section that ends there ends on a word boundary. Latency: one cycle from the last byte.
`default_nettype none

module validator_word_decoder (
    input  wire        clk,
    input  wire        clear,        // a new load: forget any word in progress and m_err
    input  wire        s_valid,
    output wire        s_ready,
    input  wire [7:0]  s_data,
    output reg         m_valid,
    input  wire        m_ready,
    output reg  [63:0] m_word,
    output reg         m_err,
    output reg         at_header
);
    localparam [2:0] W_TRUE = 3'd0, W_IN = 3'd1, W_CMP = 3'd2, W_ACC = 3'd3, W_LCMP = 3'd4,
                     W_ADIFF = 3'd5, W_LIT = 3'd6, W_IN0 = 3'd7;

    reg  [2:0]  wop;            // wire opcode of the word in progress
    reg  [1:0]  k;              // its operand being read
    reg  [2:0]  n;              // byte of that varint, saturating at 5
    reg  [31:0] v;              // the varint's value so far

    assign s_ready = !m_valid || m_ready;
    wire fire = s_valid && s_ready;

    // Operands per wire opcode, and the width of operand k.
    function automatic [1:0] operands(input [2:0] op);
        case (op)
            W_TRUE: operands = 2'd0;
            W_LIT: operands = 2'd1;
            W_IN, W_CMP: operands = 2'd3;
            default: operands = 2'd2;
        endcase
    endfunction

    function automatic [5:0] width(input [2:0] op, input [1:0] idx);
        case ({op, idx})
            {W_IN, 2'd1}, {W_ADIFF, 2'd1}: width = 6'd8;
            {W_IN, 2'd2}, {W_LCMP, 2'd1}, {W_IN0, 2'd1}: width = 6'd32;
            {W_CMP, 2'd2}: width = 6'd19;
            {W_ACC, 2'd1}, {W_LIT, 2'd0}: width = 6'd17;
            {W_LCMP, 2'd0}: width = 6'd3;
            default: width = 6'd16;
        endcase
    endfunction

    function automatic [15:0] unzigzag16(input [15:0] z);
        unzigzag16 = {1'b0, z[15:1]} ^ {16{z[0]}};
    endfunction

    // --- one operand byte ------------------------------------------------------------------
    wire [5:0]  seven_n = {n, 3'b000} - {3'b000, n};          // 7n, 0..35
    wire [6:0]  room = {1'b0, width(wop, k)} - {1'b0, seven_n};   // bits of the field left, signed
    wire [31:0] placed = {25'd0, s_data[6:0]} << seven_n;     // bits past 31 lie past every field
    wire        no_room = room[6] || room == 7'd0;
    wire        over = !no_room && room < 7'd7 && (s_data[6:0] >> room[2:0]) != 7'd0;
    wire        not_minimal = n != 3'd0 && s_data == 8'd0;
    wire        bad_byte = no_room || over || not_minimal;
    wire [31:0] vf = v | placed;                         // the varint with this byte
    wire        last_operand = {1'b0, k} + 3'd1 == {1'b0, operands(wop)};

    // Where a finished operand goes in the word.
    reg  [63:0] field_bits;
    always @(*) begin
        field_bits = 64'd0;
        case (wop)
            W_IN:
                case (k)
                    2'd0: field_bits[55:40] = vf[15:0];
                    2'd1: field_bits[39:32] = vf[7:0];
                    default: field_bits[31:0] = vf;
                endcase
            W_CMP:
                case (k)
                    2'd0: field_bits[55:40] = vf[15:0];
                    2'd1: field_bits[39:24] = vf[15:0];
                    default: begin field_bits[23:21] = vf[2:0]; field_bits[15:0] = unzigzag16(vf[18:3]); end
                endcase
            W_ACC:
                if (k == 2'd0) field_bits[55:40] = vf[15:0];
                else begin field_bits[39] = vf[0]; field_bits[15:0] = unzigzag16(vf[16:1]); end
            W_LCMP:
                if (k == 2'd0) field_bits[34:32] = vf[2:0];
                else field_bits[31:0] = {1'b0, vf[31:1]} ^ {32{vf[0]}};
            W_ADIFF:
                if (k == 2'd0) field_bits[55:40] = vf[15:0];
                else field_bits[7:0] = vf[7:0];
            W_LIT: begin field_bits[55:40] = vf[16:1]; field_bits[32] = vf[0]; field_bits[0] = 1'b1; end
            W_IN0:
                if (k == 2'd0) field_bits[55:40] = vf[15:0];
                else field_bits[31:0] = vf;
            default: ;
        endcase
    end

    // --- the header byte -------------------------------------------------------------------
    wire [2:0] h_op = s_data[6:4];
    wire [3:0] h_word_op = h_op == W_LIT || h_op == W_IN0 ? 4'd1 : {1'b0, h_op};

    always @(posedge clk) begin
        if (m_ready) m_valid <= 1'b0;
        if (fire && !m_err) begin
            if (at_header) begin
                wop <= h_op;
                k <= 2'd0;
                n <= 3'd0;
                v <= 32'd0;
                m_word <= {h_word_op, s_data[3:0], 56'd0};
                if (s_data[7]) m_err <= 1'b1;                  // wire opcodes 8..15
                else if (operands(h_op) == 2'd0) m_valid <= 1'b1;
                if (s_data[7] || operands(h_op) != 2'd0) at_header <= 1'b0;
            end else if (bad_byte) begin
                m_err <= 1'b1;
            end else if (s_data[7]) begin
                v <= vf;
                if (n != 3'd5) n <= n + 3'd1;
            end else begin
                m_word <= m_word | field_bits;
                k <= k + 2'd1;
                n <= 3'd0;
                v <= 32'd0;
                if (last_operand) begin
                    m_valid <= 1'b1;
                    at_header <= 1'b1;
                end
            end
        end
        if (clear) begin
            m_valid <= 1'b0;
            m_err <= 1'b0;
            at_header <= 1'b1;
        end
    end
endmodule

`default_nettype wire
