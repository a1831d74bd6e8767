// Wire decoder of the validator program (docs/validator-program.md, "Wire encoding"): the bytes
// of the words section in, one 64-bit program word out per encoded word. Owned by
// validator_loader, which feeds it the words section and writes each word it emits to the
// program memory after its own checks (opcode, comparison code, variable, word count).
//
// A word on the wire is a header byte (wire opcode in bits 7..4; NEG, ET, EC, MODE in bits 3..0)
// and its operands as LEB128 varints, lowest word field first, each within its width W:
//   0 TRUE  -                               5 ADIFF off (8), x (16)
//   1 IN    mask (32), base (8), x (16)     6 LIT   x << 1 | base (17): IN, mask 1, base 0 or 1
//   3 ACC   zigzag(coef) (16), x << 1 | CLR (17)  7 IN0 mask (32), x (16): IN with base 0
//   4 LCMP  zigzag(k) (32), cop (3)         8 + cop CMP  zigzag(c) (16), y (16), x (16)
// Because the operands come in the order of their bits, the decoder is bit-serial: it shifts the
// word in from the top, bit 0 first, one bit a cycle, each bit taken from a segment list per
// wire opcode (a varint's next bit, zeros, a one, the header's bits); zigzag is undone on the way
// (the sign bit comes first). A word takes 65 steps (66 with a zigzag field) and two cycles per
// byte, about 70 cycles: less than its bytes take on the line at 3 Mbaud (40 cycles a byte at
// 12 MHz) for every word of two bytes or more, but a chunk is decoded only once its frame is in,
// so decoding adds about a third to a SAT program's load at 3 Mbaud (docs/link-protocol.md).
//
// Malformed (m_err, sticky until `clear`): wire opcode 2; a varint last byte of 0 after its first
// (not minimal); at the end of a field, a set bit left in its byte (over its field) or a
// continuation (over-long: the next byte would start at or past bit W). After m_err the decoder
// takes bytes and ignores them.
//
// Ports: s_* the byte stream (valid/ready; s_ready is a function of state flops only); m_* the
// words (valid/ready, m_word held while m_valid); `at_header`: no word in progress (the section
// so far ends on a word boundary); `idle`: every byte taken has been decoded as far as it goes
// (the decoder waits for a byte, or has failed). All outputs come from flops or from state flops
// alone.
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
    output wire        at_header,
    output wire        idle
);
    // Segment kinds: zeros, a one, the varint's next bits, a zigzag field (one step more: its sign
    // comes first and goes last), the header's bits (cop of CMP, then flags and opcode); T_NONE,
    // the step after the header that fetches segment 0 (so one segment table serves every step).
    localparam [2:0] T_Z = 3'd0, T_O = 3'd1, T_V = 3'd2, T_ZZ = 3'd3, T_H = 3'd4, T_NONE = 3'd5;
    localparam [1:0] S_HEAD = 2'd0, S_RUN = 2'd1, S_BYTE = 2'd2, S_ERR = 2'd3;

    // {kind, steps - 1, ends its varint, ends the word}
    function automatic [10:0] seg(input [2:0] t, input [5:0] steps, input e, input f);
        seg = {t, steps - 6'd1, e, f};
    endfunction

    function automatic [10:0] segment(input [3:0] op, input [2:0] i);
        segment = seg(T_H, 6'd8, 1'b0, 1'b1);                 // the last segment of every word
        if (op[3])                                            // CMP: c, 5 zeros, cop, y, x
            case (i)
                3'd0: segment = seg(T_ZZ, 6'd17, 1'b1, 1'b0);
                3'd1: segment = seg(T_Z, 6'd5, 1'b0, 1'b0);
                3'd2: segment = seg(T_H, 6'd3, 1'b0, 1'b0);
                3'd3, 3'd4: segment = seg(T_V, 6'd16, 1'b1, 1'b0);
                default: ;
            endcase
        else
            case ({op[2:0], i})
                {3'd0, 3'd0}: segment = seg(T_Z, 6'd56, 1'b0, 1'b0);
                {3'd1, 3'd0}, {3'd7, 3'd0}: segment = seg(T_V, 6'd32, 1'b1, 1'b0);
                {3'd1, 3'd1}: segment = seg(T_V, 6'd8, 1'b1, 1'b0);
                {3'd1, 3'd2}, {3'd5, 3'd2}, {3'd7, 3'd2}: segment = seg(T_V, 6'd16, 1'b1, 1'b0);
                {3'd3, 3'd0}: segment = seg(T_ZZ, 6'd17, 1'b1, 1'b0);
                {3'd3, 3'd1}: segment = seg(T_Z, 6'd23, 1'b0, 1'b0);
                {3'd3, 3'd2}: segment = seg(T_V, 6'd17, 1'b1, 1'b0);
                {3'd4, 3'd0}: segment = seg(T_ZZ, 6'd33, 1'b1, 1'b0);
                {3'd4, 3'd1}: segment = seg(T_V, 6'd3, 1'b1, 1'b0);
                {3'd4, 3'd2}: segment = seg(T_Z, 6'd21, 1'b0, 1'b0);
                {3'd5, 3'd0}: segment = seg(T_V, 6'd8, 1'b1, 1'b0);
                {3'd5, 3'd1}: segment = seg(T_Z, 6'd32, 1'b0, 1'b0);
                {3'd6, 3'd0}: segment = seg(T_O, 6'd1, 1'b0, 1'b0);
                {3'd6, 3'd1}: segment = seg(T_Z, 6'd31, 1'b0, 1'b0);
                {3'd6, 3'd2}: segment = seg(T_V, 6'd1, 1'b0, 1'b0);
                {3'd6, 3'd3}: segment = seg(T_Z, 6'd7, 1'b0, 1'b0);
                {3'd6, 3'd4}: segment = seg(T_V, 6'd16, 1'b1, 1'b0);
                {3'd7, 3'd1}: segment = seg(T_Z, 6'd8, 1'b0, 1'b0);
                default: ;
            endcase
    endfunction

    reg  [1:0]  state;
    reg  [3:0]  wop;            // wire opcode of the word in progress
    reg  [2:0]  si;             // its segment
    reg  [2:0]  kind;           // that segment's kind, steps left after this one, flags
    reg  [5:0]  cnt;
    reg         vend, fin;
    reg         zfirst;         // the segment's first step (a zigzag field's sign)
    reg         sgn;
    reg  [6:0]  b;              // data bits of the varint byte not used yet, next in b[0]
    reg  [2:0]  bc;             // how many
    reg         last;           // that byte is the varint's last
    reg         first;          // the varint's next byte is its first
    reg  [10:0] hs;             // header bits still to shift in, next in hs[0]

    assign s_ready = (state == S_HEAD && !m_valid) || state == S_BYTE || state == S_ERR;
    assign at_header = state == S_HEAD;
    assign idle = s_ready;
    wire fire = s_valid && s_ready;

    // --- one step of S_RUN ----------------------------------------------------------------
    wire       consume = kind == T_V || (kind == T_ZZ && cnt != 6'd0);
    wire       need_byte = consume && bc == 3'd0 && !last;
    wire       bv = bc != 3'd0 && b[0];                       // 0 past the varint's last byte
    wire       emit = !(kind == T_ZZ && zfirst) && kind != T_NONE;
    reg        bit_in;
    always @(*) begin
        case (kind)
            T_O: bit_in = 1'b1;
            T_V: bit_in = bv;
            T_ZZ: bit_in = cnt == 6'd0 ? sgn : bv ^ sgn;
            T_H: bit_in = hs[0];
            default: bit_in = 1'b0;
        endcase
    end
    wire       used = consume && bc != 3'd0;
    wire [6:0] b_after = used ? {1'b0, b[6:1]} : b;
    wire [10:0] next_seg = segment(wop, si + 3'd1);

    // --- the header byte --------------------------------------------------------------------
    wire [2:0] h_low = s_data[6:4];
    wire [3:0] h_op = s_data[7] ? 4'd2 : (h_low == 3'd6 || h_low == 3'd7) ? 4'd1 : {1'b0, h_low};

    always @(posedge clk) begin
        if (m_ready) m_valid <= 1'b0;
        case (state)
            S_HEAD:
                if (fire) begin
                    wop <= s_data[7:4];
                    si <= 3'd7;                               // the next segment is segment 0
                    {kind, cnt, vend, fin} <= {T_NONE, 6'd0, 1'b0, 1'b0};
                    bc <= 3'd0;
                    last <= 1'b0;
                    first <= 1'b1;
                    hs <= s_data[7] ? {h_op, s_data[3:0], h_low} : {3'd0, h_op, s_data[3:0]};
                    if (s_data[7:4] == 4'd2) begin
                        m_err <= 1'b1;
                        state <= S_ERR;
                    end else state <= S_RUN;
                end
            S_BYTE:
                if (fire) begin
                    b <= s_data[6:0];
                    bc <= 3'd7;
                    last <= !s_data[7];
                    first <= 1'b0;
                    if (!first && s_data == 8'd0) begin
                        m_err <= 1'b1;
                        state <= S_ERR;
                    end else state <= S_RUN;
                end
            S_RUN:
                if (need_byte) state <= S_BYTE;
                else begin
                    if (emit) m_word <= {bit_in, m_word[63:1]};
                    if (kind == T_ZZ && zfirst) sgn <= bv;
                    zfirst <= 1'b0;
                    if (used) begin
                        b <= b_after;
                        bc <= bc - 3'd1;
                    end
                    if (kind == T_H) hs <= {1'b0, hs[10:1]};
                    if (cnt != 6'd0) cnt <= cnt - 6'd1;
                    else begin
                        if (vend) begin
                            bc <= 3'd0;
                            last <= 1'b0;
                            first <= 1'b1;
                        end
                        si <= si + 3'd1;
                        {kind, cnt, vend, fin} <= next_seg;
                        zfirst <= 1'b1;
                        if (vend && (b_after != 7'd0 || !last)) begin
                            m_err <= 1'b1;
                            state <= S_ERR;
                        end else if (fin) begin
                            m_valid <= 1'b1;
                            state <= S_HEAD;
                        end
                    end
                end
            default: ;                                        // S_ERR: bytes are taken and ignored
        endcase
        if (clear) begin
            state <= S_HEAD;
            m_valid <= 1'b0;
            m_err <= 1'b0;
        end
    end

`ifdef FORMAL
    // hdl/formal/validator_word_decoder.ys (ABC PDR): the handshakes (R1) and the invariants the
    // word's assembly relies on. The words themselves are judged against the host's decoder by
    // the bench (hdl/tb/word_decoder_tb.cpp, test/word-decoder-tb.test.ts).
`ifdef VALIDATOR_WORD_DECODER
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME(clear);
    // The byte source holds its offer (R1).
    always @(posedge clk) if (f_past_valid && !$past(clear) && $past(s_valid && !s_ready)) begin
        `ASSUME(s_valid);
        `ASSUME(s_data == $past(s_data));
    end
    always @(posedge clk) if (f_past_valid && !$past(clear)) begin
        if ($past(m_valid && !m_ready)) begin     // a word on offer stays, unchanged
            assert(m_valid);
            assert(m_word == $past(m_word));
        end
        assert(m_err == (state == S_ERR));
        if (m_valid) assert(state == S_HEAD);
    end
`undef ASSUME
`endif
endmodule

`default_nettype wire
