// Program state and command checks: ProgramBegin / ProgramChunk / ProgramEnd load a program
// (every limit and every word checked as it arrives; the width table and the program memory
// written), and a Candidate is checked against the loaded program (id, length). The error codes
// are those of proto/link.proto; hdl/README.md ("Constraint engine") gives the `arg` of each.
//
// validator_core feeds it one command at a time: `cmd_start` for one cycle with the command's
// fields, then `byte_en` for each data byte. `code`/`arg` hold the command's result (0 = fine)
// from the cycle after `cmd_start` until the next command; the first error of a load command
// sticks and aborts the load (the device then has no program until the next ProgramBegin).
// The words section arrives in its wire encoding and goes through validator_word_decoder
// (bit-serial: `byte_ready` holds the bytes back while it decodes); a word is checked and written
// as it comes out, and `idle` holds the chunk's reply until every byte given has been decoded, so
// a refusal is the answer to the chunk that carried the offending byte.
// A chunk may start at or before the bytes the device has of its section (a chunk sent again
// after its reply was lost): the bytes it has are dropped, the rest taken; a chunk that starts
// past them would leave a gap and is refused.
// The running CRC over widths || words (the bytes taken, as sent) is kept by validator_core
// (`crc`, restarted by `crc_restart`), which shares it with the candidate digest: loads and
// candidates never overlap.
`default_nettype none

module validator_loader #(
    parameter MAX_VARS = 1024,
    parameter MAX_WORDS = 16384,
    parameter MAX_CONSTRAINTS = 16384
) (
    input  wire                          clk,
    input  wire                          clear,       // reset or Reset message: drop any program
    input  wire                          cmd_start,
    input  wire [2:0]                    cmd_op,
    input  wire [31:0]                   cmd_a,
    input  wire [31:0]                   cmd_b,
    input  wire [31:0]                   cmd_c,
    input  wire [31:0]                   cmd_d,
    input  wire [15:0]                   cmd_len,
    input  wire                          byte_en,
    input  wire [7:0]                    byte_in,
    output wire                          byte_ready,  // byte_en may come (the decoder can take a byte)
    output wire                          idle,        // every byte given is decoded and checked
    input  wire [31:0]                   crc,         // CRC of the program bytes so far
    output wire                          crc_restart,
    output wire                          crc_en,      // byte_in is a program byte
    output reg  [3:0]                    code,
    output reg  [31:0]                   arg,
    output reg  [31:0]                   program_id,
    output reg                           loaded,      // program_id's program is loaded
    output reg  [VW:0]                   num_vars,
    output reg  [WW:0]                   num_words,
    // width table: two 4-bit widths per byte, low nibble first
    output wire                          width_we,
    output wire [VW-2:0]                 width_waddr,
    output wire [7:0]                    width_wdata,
    // program memory
    output wire                          word_we,
    output wire [WW-1:0]                 word_addr,
    output wire [63:0]                   word_data
);
    localparam VW = $clog2(MAX_VARS);
    localparam WW = $clog2(MAX_WORDS);
    localparam CW = $clog2(MAX_CONSTRAINTS);
    localparam GW = VW > WW + 4 ? VW : WW + 4;   // a byte position in either section
    `include "validator_codes.vh"

    // value > limit for a 32-bit message field and a limit of the form 2^n, without a 32-bit
    // comparator: any bit above n, or bit n with any bit below it.
    function automatic over_power_of_two(input [31:0] value, input integer n);
        over_power_of_two = (value >> (n + 1)) != 32'd0
                            || ((value >> n) & 32'd1) != 32'd0 && (value & ((32'd1 << n) - 32'd1)) != 32'd0;
    endfunction

    reg            loading;
    reg            in_chunk;        // the current command is an accepted chunk
    reg            chunk_words;     // ... of words (else of widths)
    reg  [15:0]    cand_bytes;
    reg  [CW:0]    num_cons;
    reg  [VW-1:0]  widths_got;      // width bytes received
    reg  [WW+3:0]  words_got;       // word bytes received (at most 11 a word)
    reg  [WW:0]    written;         // words decoded, checked and written
    reg  [GW-1:0]  skip;            // bytes of the chunk still to drop: ones the device has
    reg  [VW+3:0]  bits;            // sum of the widths so far
    reg  [CW:0]    ends;            // EC words so far

    // Counts zero-extended to 32 bits, for comparisons with message fields and for `arg`.
    wire [31:0] widths_got32   = {{(32-VW){1'b0}}, widths_got};
    wire [31:0] widths_total32 = {{(31-VW){1'b0}}, (num_vars + 1'b1) >> 1};
    wire [31:0] words_got32    = {{(28-WW){1'b0}}, words_got};
    wire [31:0] ends32         = {{(31-CW){1'b0}}, ends};
    wire [31:0] word_index32   = {{(31-WW){1'b0}}, written};
    wire [31:0] num_words32    = {{(31-WW){1'b0}}, num_words};
    wire        widths_complete = widths_got32 == widths_total32;
    wire [31:0] section_got32 = cmd_a == CHUNK_WORDS ? words_got32 : widths_got32;
    // A chunk at cmd_b: how many of its bytes the device has (negative: a gap).
    wire [GW:0] behind = {1'b0, section_got32[GW-1:0]} - {1'b0, cmd_b[GW-1:0]};
    wire        gap = cmd_b[31:GW] != {(32-GW){1'b0}} || behind[GW];

    wire        dec_valid, dec_err, dec_at_header, dec_ready, dec_idle;
    wire [63:0] word;
    wire        words_complete = written == num_words && dec_at_header;

    // --- header checks, evaluated on cmd_start ---------------------------------------------
    reg  [3:0]  hcode;
    reg  [31:0] harg;
    always @(*) begin
        hcode = ERR_NONE;
        harg = 32'd0;
        case (cmd_op)
            CMD_BEGIN:
                if (cmd_a == 32'd0) hcode = ERR_PROGRAM_STATE;
                else if (over_power_of_two(cmd_b, VW)) begin hcode = ERR_CAPACITY; harg = LIMIT_VARS; end
                else if (over_power_of_two(cmd_c, WW)) begin hcode = ERR_CAPACITY; harg = LIMIT_WORDS; end
                else if (over_power_of_two(cmd_d, CW)) begin hcode = ERR_CAPACITY; harg = LIMIT_CONSTRAINTS; end
            CMD_CHUNK:
                if (!loading || (cmd_a != CHUNK_WIDTHS && cmd_a != CHUNK_WORDS)) hcode = ERR_PROGRAM_STATE;
                else if (cmd_a == CHUNK_WORDS && !widths_complete) begin hcode = ERR_PROGRAM_STATE; harg = widths_got32; end
                else if (gap) begin hcode = ERR_PROGRAM_STATE; harg = section_got32; end
            CMD_END:
                if (!loading) hcode = ERR_PROGRAM_STATE;
                else if (!widths_complete) begin hcode = ERR_PROGRAM_STATE; harg = widths_got32; end
                else if (!words_complete) begin hcode = ERR_PROGRAM_STATE; harg = words_got32; end
                else if (ends != num_cons) begin hcode = ERR_PROGRAM_STATE; harg = ends32; end
                else if (crc != cmd_a) hcode = ERR_PROGRAM_CRC;
            CMD_CANDIDATE:
                if (!loaded) hcode = ERR_NO_PROGRAM;
                else if (cmd_a != program_id) begin hcode = ERR_WRONG_PROGRAM; harg = program_id; end
                else if (cmd_len != cand_bytes) begin hcode = ERR_CANDIDATE_LENGTH; harg = {16'd0, cand_bytes}; end
            default: hcode = ERR_UNKNOWN_MESSAGE;
        endcase
    end

    // --- data checks: each width byte as it is taken, each word as the decoder emits it ------
    // A byte is taken when it is the next one of its section; earlier ones the device has.
    wire       take = byte_en && in_chunk && code == ERR_NONE && skip == {GW{1'b0}};
    wire [3:0] w_lo = byte_in[3:0];
    wire [3:0] w_hi = byte_in[7:4];
    // The high nibble of the last width byte is padding when the variable count is odd.
    wire       hi_used = {widths_got, 1'b1} < num_vars;

    // --- the words section's wire decoder ---------------------------------------------------
    validator_word_decoder decoder (
        .clk(clk), .clear(clear || (cmd_start && cmd_op == CMD_BEGIN)),
        .s_valid(take && chunk_words), .s_ready(dec_ready), .s_data(byte_in),
        .m_valid(dec_valid), .m_ready(1'b1), .m_word(word), .m_err(dec_err), .at_header(dec_at_header),
        .idle(dec_idle));
    // The program memory takes a word every cycle (m_ready high); bytes wait only for the decoder.
    assign byte_ready = !(in_chunk && chunk_words && code == ERR_NONE && skip == {GW{1'b0}}) || dec_ready;
    assign idle = dec_idle;

    wire [3:0]  op = word[63:60];
    wire        op_has_x = op == OP_IN || op == OP_CMP || op == OP_ACC || op == OP_ADIFF;
    wire [15:0] num_vars16 = {{(15-VW){1'b0}}, num_vars};
    wire        bad_op = op > OP_ADIFF
                         || (op == OP_CMP && word[23:21] > 3'd5)
                         || (op == OP_LCMP && word[34:32] > 3'd5);
    wire        bad_var = (op_has_x && word[55:40] >= num_vars16)
                          || (op == OP_CMP && word[39:24] >= num_vars16);

    reg  [3:0]  dcode;
    reg  [31:0] darg;
    always @(*) begin
        dcode = ERR_NONE;
        darg = 32'd0;
        // A width byte past the end of its section: arg is the section's size.
        if (widths_complete) begin dcode = ERR_PROGRAM_STATE; darg = widths_got32; end
        else if (w_lo > 4'd8) begin dcode = ERR_BAD_WIDTH; darg = {widths_got32[30:0], 1'b0}; end
        else if (hi_used && w_hi > 4'd8) begin dcode = ERR_BAD_WIDTH; darg = {widths_got32[30:0], 1'b1}; end
    end

    // A decoded word: one past num_words, or malformed, or with a bad opcode or variable.
    reg  [3:0]  wcode;
    reg  [31:0] warg;
    always @(*) begin
        wcode = ERR_NONE;
        warg = word_index32;
        if (dec_err) wcode = ERR_BAD_OPCODE;
        else if (written == num_words) begin wcode = ERR_PROGRAM_STATE; warg = num_words32; end
        else if (bad_op) wcode = ERR_BAD_OPCODE;
        else if (bad_var) wcode = ERR_BAD_VARIABLE;
    end
    wire word_event = loading && code == ERR_NONE && (dec_valid || dec_err);
    wire width_event = take && !chunk_words;
    wire [3:0]  ecode = word_event ? wcode : dcode;
    wire [31:0] earg = word_event ? warg : darg;

    wire [VW+3:0] bits_next = bits + {{VW{1'b0}}, w_lo} + (hi_used ? {{VW{1'b0}}, w_hi} : {(VW+4){1'b0}});
    /* verilator lint_off UNUSEDSIGNAL */
    wire [VW+4:0] bits_rounded = {1'b0, bits} + 7;      // bytes = bits_rounded >> 3
    wire [31:0]   cand_bytes_next = {{(30-VW){1'b0}}, bits_rounded[VW+4:3]};   // below 2^16
    /* verilator lint_on UNUSEDSIGNAL */

    assign crc_restart = cmd_start && cmd_op == CMD_BEGIN;
    assign crc_en = take;
    assign width_we = take && !chunk_words;
    assign width_waddr = widths_got[VW-2:0];
    assign width_wdata = byte_in;
    assign word_we = word_event && wcode == ERR_NONE;
    assign word_addr = written[WW-1:0];
    assign word_data = word;

    always @(posedge clk) begin
        if (clear) begin
            loaded <= 1'b0;
            loading <= 1'b0;
            in_chunk <= 1'b0;
            code <= ERR_NONE;
            arg <= 32'd0;
        end else if (cmd_start) begin
            code <= hcode;
            arg <= harg;
            in_chunk <= cmd_op == CMD_CHUNK && hcode == ERR_NONE;
            chunk_words <= cmd_a == CHUNK_WORDS;
            skip <= behind[GW-1:0];
            if (cmd_op == CMD_BEGIN) loaded <= 1'b0;   // a new ProgramBegin replaces any program
            if (hcode != ERR_NONE && cmd_op != CMD_CANDIDATE) loading <= 1'b0;
            else if (cmd_op == CMD_BEGIN) begin
                loading <= 1'b1;
                program_id <= cmd_a;
                num_vars <= cmd_b[VW:0];
                num_words <= cmd_c[WW:0];
                num_cons <= cmd_d[CW:0];
                widths_got <= {VW{1'b0}};
                words_got <= {(WW+4){1'b0}};
                written <= {(WW+1){1'b0}};
                bits <= {(VW+4){1'b0}};
                ends <= {(CW+1){1'b0}};
            end else if (cmd_op == CMD_END) begin
                loading <= 1'b0;
                loaded <= 1'b1;
                cand_bytes <= cand_bytes_next[15:0];
            end
        end else begin
            if (byte_en && in_chunk && skip != {GW{1'b0}}) skip <= skip - 1'b1;
            // One event a cycle at most: a decoded word, or a width byte (never both: sections
            // do not overlap in time). Its first error sticks and ends the load.
            if (word_event || width_event) begin
                if (ecode != ERR_NONE) begin
                    code <= ecode;
                    arg <= earg;
                    loading <= 1'b0;
                end else if (word_event) begin
                    written <= written + 1'b1;
                    if (word[57]) ends <= ends + 1'b1;
                end else begin
                    widths_got <= widths_got + 1'b1;
                    bits <= bits_next;
                end
            end
            if (take && chunk_words) words_got <= words_got + 1'b1;
        end
    end
endmodule

`default_nettype wire
