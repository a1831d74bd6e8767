// Search-table loader (docs/search.md, "Wire form"): decodes the two SearchChunk streams into the
// five stored sections of search_core, then builds VALUES and OCCURRENCES itself.
//
//   s_begin        one cycle: a load starts (every count cleared, no error); sizes on cfg_*,
//                  stable until the load ends, each at most its MAX_* (search_engine refuses
//                  larger ones at SearchBegin), so the counts are kept in the capacities' widths.
//   s_byte_*       one stream byte (valid/ready); s_byte_section 0 VARS, 1 CLAUSES. The caller
//                  sends every VARS byte before the first CLAUSES byte, each stream in order.
//                  VARS byte x = size - 1: the VARS word value_base | (size - 1) << 24 is written,
//                  value_base the sum of the sizes before, and the variable's count slots are
//                  cleared (one cycle a slot). CLAUSES bytes feed a bit reader (LSB first): per
//                  clause a header, bit 0 (the previous clause's length; 1 before the first),
//                  bits 1, 0 and 8 bits length - 1, or bits 1, 1 (a shifted copy: the previous
//                  clause's literals, kept in registers, each with value + 1; only after a
//                  clause of at most SHIFT_MAX literals); the CLAUSES word literal_start |
//                  (length - 1) << 24 is written. Then, except for a shifted copy, per literal 1
//                  bit negated, VB bits variable (VB = bits of num_vars - 1), and for a variable
//                  of more than 2 values its value in the bits of size - 1 (else value 1); the
//                  LITERALS word value | var << 8 | neg << 31 is written and the slot's count
//                  incremented. A byte is taken only when the field being read needs more bits.
//   s_build        one cycle, while idle after the last byte: checks the totals, then VALUES
//                  (prefix sums of the counts, a slot a cycle, then the end word) and
//                  OCCURRENCES, clauses in ascending order: the lists of docs/search.md. Two
//                  cycles a literal, overlapped: while literal k's clause | neg << 31 is written
//                  at its slot's fill position (read the cycle before), literal k + 1's word is
//                  in hand and its variable's value_base is read; the next clause's length is
//                  read ahead. The fill count written for literal k is read for literal k + 1
//                  one cycle after the write, so no forwarding is needed. Bound: num_values +
//                  2 * num_literals + 6 cycles from s_build while m_wr_ready stays high.
//   idle           nothing in progress: waiting for a byte, finished, or stopped on an error.
//                  The cycle after a byte or s_build is accepted, idle already shows its work.
//   err, err_arg   sticky until s_begin; the loader then swallows bytes and writes nothing.
//                  ERROR_SEARCH_TABLE args: 1 a variable >= num_vars, 2 a value >= its
//                  variable's size, 5 VARS bytes short of num_vars at the build (more are refused
//                  by the caller), 6 the sizes sum past num_values (or short of it at the build),
//                  7 a clause past num_clauses (any CLAUSES byte taken after the last clause) or, at the
//                  build, fewer clauses or one cut off, 8 a literal past num_literals or fewer
//                  at the build, 9 a shifted copy first or after a clause over SHIFT_MAX literals
//                  (a shifted value past its variable's size, or on a variable of at most 2
//                  values, is 2), 10 a variable of other than 2 values when BOOLEANS_ONLY (the
//                  engine searches booleans only: search_lite).
//   m_wr_*         table words to search_core's s_wr port (sections 0..4), valid/ready.
//   rd_*           reads of the tables written so far (search_core's ld_* port): address in,
//                  data one cycle later; the loader never reads in a cycle it writes.
`default_nettype none

module search_loader #(
    parameter integer MAX_VARS = 1024,       // capacities as search_core's (powers of two)
    parameter integer MAX_VALUES = 4096,
    parameter integer MAX_CLAUSES = 16384,
    parameter integer MAX_LITERALS = 65536,
    parameter integer BOOLEANS_ONLY = 0      // 1: every variable must have 2 values (search_lite)
) (
    input  wire                              clk,
    input  wire                              rst,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]                       cfg_num_vars,      // each at most its MAX_* (s_begin)
    input  wire [31:0]                       cfg_num_values,
    input  wire [31:0]                       cfg_num_clauses,
    input  wire [31:0]                       cfg_num_literals,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                              s_begin,
    input  wire                              s_byte_valid,
    output wire                              s_byte_ready,
    input  wire                              s_byte_section,
    input  wire [7:0]                        s_byte_data,
    input  wire                              s_build,
    output wire                              idle,
    output reg                               err,
    output reg  [31:0]                       err_arg,
    output wire                              m_wr_valid,
    input  wire                              m_wr_ready,
    output reg  [2:0]                        m_wr_section,
    output reg  [31:0]                       m_wr_addr,
    output reg  [31:0]                       m_wr_data,
    output wire [$clog2(MAX_VARS)-1:0]       rd_va_addr,
    input  wire [$clog2(MAX_VALUES)+7:0]     rd_va_q,
    output wire [$clog2(MAX_CLAUSES)-1:0]    rd_cl_addr,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [$clog2(MAX_LITERALS)+7:0]   rd_cl_q,       // only the length field is used
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [$clog2(MAX_LITERALS)-1:0]   rd_li_addr,
    input  wire [$clog2(MAX_VARS)+8:0]       rd_li_q
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer NW = (PW > VW ? PW : VW) + 1;   // nvars: variables, then value slots
    // The bit reader holds at most the longest field (a header's 10 bits, a literal's 1 + VW,
    // a value's 8) plus the 7 bits left over from the byte before it was short.
    localparam integer FW = VW + 1 > 10 ? VW + 1 : 10;
    localparam integer ACC = FW + 8;

    generate
        if ((1 << VW) != MAX_VARS || (1 << PW) != MAX_VALUES || (1 << CW) != MAX_CLAUSES
            || (1 << LW) != MAX_LITERALS || VW > 23 || PW > 24 || LW > 24 || CW > 30)
        begin : g_bad_parameters
            SEARCH_LOADER_POWERS_OF_TWO_WITHIN_THE_WORD_FIELDS unsupported ();
        end
    endgenerate

    localparam [4:0] L_WAIT = 5'd0, L_VAR_WR = 5'd1, L_CLR = 5'd2, L_CL_WR = 5'd3,
                     L_LIT_RD = 5'd4, L_LIT_VQ = 5'd5, L_LIT_PUT = 5'd6, L_CNT = 5'd7,
                     L_ERR = 5'd8, B_PFX_RD = 5'd9, B_PFX_WR = 5'd10, B_PFX_LAST = 5'd11,
                     B_CL = 5'd12, B_CLQ = 5'd13, B_VAQ = 5'd14, B_FQ = 5'd15, L_DONE = 5'd16;
    localparam [1:0] F_HDR = 2'd0, F_LIT = 2'd1, F_VAL = 2'd2, F_SHIFT = 2'd3;
    localparam integer SHIFT_MAX = 4;              // docs/search.md, "Wire form"; a power of two
    localparam [8:0]   SHIFT_MAX9 = 9'd4;              // SHIFT_MAX in 9 bits

    function [4:0] bit_length(input [31:0] x);
        integer k;
        begin
            bit_length = 5'd0;
            for (k = 0; k < 24; k = k + 1) if (x[k]) bit_length = k[4:0] + 5'd1;
        end
    endfunction

    reg  [4:0]    state;
    reg  [1:0]    field;
    reg  [ACC-1:0] acc;              // bits not yet read, the oldest at bit 0
    reg  [5:0]    have;              // how many
    reg  [NW-1:0] nvars;
    reg  [PW:0]   vsum;              // at most num_values (var_over)
    reg  [CW:0]   nclauses;
    reg  [LW:0]   nlits;
    reg  [8:0]    rem;               // literals left in the clause
    reg           cur_neg;
    reg  [VW-1:0] cur_var;
    reg  [7:0]    cur_size1, cur_val, cur_len1;
    reg  [PW-1:0] cur_base, cur_slot;
    reg  [PW-1:0] clr_p, clr_last;
    reg  [LW:0]   sum;               // prefix sum while building VALUES (at most num_literals)
    reg           shifting;          // the clause being written is a shifted copy
    // The last clause's first SHIFT_MAX literals, for a shifted copy.
    reg           pv_neg [0:SHIFT_MAX-1];
    reg  [VW-1:0] pv_var [0:SHIFT_MAX-1];
    reg  [7:0]    pv_val [0:SHIFT_MAX-1];
    wire [8:0]    lit_k9 = {1'b0, cur_len1} + 9'd1 - rem;     // index of the literal in hand
    wire [$clog2(SHIFT_MAX)-1:0] lit_k = lit_k9[$clog2(SHIFT_MAX)-1:0];
    wire [8:0]    shift_val = {1'b0, pv_val[lit_k]} + 9'd1;

    // The sizes, in the capacities' widths (at most MAX_*).
    wire [VW:0] n_vars = cfg_num_vars[VW:0];
    wire [PW:0] n_values = cfg_num_values[PW:0];
    wire [CW:0] n_clauses = cfg_num_clauses[CW:0];
    wire [LW:0] n_literals = cfg_num_literals[LW:0];
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] nv1 = n_vars == 0 ? 32'd0 : {{(31-VW){1'b0}}, n_vars} - 32'd1;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [4:0]  vb = bit_length(nv1);                        // variable field bits, at most VW
    wire [4:0]  db = bit_length({24'd0, cur_size1});          // value field bits
    wire [5:0]  hdr_need = have == 6'd0 || !acc[0] ? 6'd1 : have < 6'd2 || acc[1] ? 6'd2 : 6'd10;
    wire [5:0]  need = field == F_HDR ? hdr_need : field == F_LIT ? {1'b0, vb} + 6'd1
                     : field == F_VAL ? {1'b0, db} : 6'd0;
    // The counts as the words' fields take them (value_base and literal_start: 24 bits).
    wire [31:0] nvars32 = {{(32-NW){1'b0}}, nvars};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] vsum32 = {{(31-PW){1'b0}}, vsum};
    wire [31:0] nclauses32 = {{(31-CW){1'b0}}, nclauses};
    wire [31:0] nlits32 = {{(31-LW){1'b0}}, nlits};
    /* verilator lint_on UNUSEDSIGNAL */
    wire        done = field == F_HDR && nclauses == n_clauses;   // the rest is padding
    wire [PW+1:0] vsum_next = {1'b0, vsum} + {{(PW-7){1'b0}}, s_byte_data} + 1'b1;
    wire        var_over = vsum_next > {1'b0, n_values};
    wire [ACC-1:0] lit_var = (acc >> 1) & (({{(ACC-1){1'b0}}, 1'b1} << vb) - 1'b1);
    wire [7:0]  lit_val = acc[7:0] & ((8'd1 << db) - 8'd1);   // db <= 8: db == 8 masks nothing (a shift out of 8 bits)

    assign s_byte_ready = (state == L_WAIT && (have < need || done)) || state == L_ERR;
    assign idle = (state == L_WAIT && (have < need || done)) || state == L_ERR || state == L_DONE;
    wire byte_fire = s_byte_valid && s_byte_ready;
    wire wr_fire = m_wr_valid && m_wr_ready;
    assign m_wr_valid = state == L_VAR_WR || state == L_CL_WR || state == L_LIT_PUT
                     || state == B_PFX_WR || state == B_PFX_LAST || state == B_FQ;

    // ---------------------------------------------------------------- per-slot counts
    // Occurrence counts while decoding, fill positions while building.
    (* no_rw_check *) reg [LW:0] cnt [0:MAX_VALUES-1];
    reg  [LW:0]   cnt_q;
    reg  [PW-1:0] cnt_raddr;
    reg           cnt_we;
    reg  [PW-1:0] cnt_waddr;
    reg  [LW:0]   cnt_wdata;
    wire [PW-1:0] va_base = rd_va_q[PW-1:0];
    always @(*) begin
        case (state)                                           // nvars counts slots in B_PFX_*
            B_PFX_RD: cnt_raddr = nvars[PW-1:0];
            B_PFX_WR: cnt_raddr = nvars[PW-1:0] + {{(PW-1){1'b0}}, wr_fire};   // the next, once taken
            B_VAQ:    cnt_raddr = va_base + {{(PW-8){1'b0}}, cur_val};
            B_FQ:     cnt_raddr = cur_slot;
            default:  cnt_raddr = cur_base + {{(PW-8){1'b0}}, cur_val};
        endcase
        cnt_we = 1'b0;
        cnt_waddr = cur_slot;
        cnt_wdata = cnt_q + 1'b1;
        case (state)
            L_CLR:    begin cnt_we = 1'b1; cnt_waddr = clr_p; cnt_wdata = 0; end
            L_CNT:    cnt_we = 1'b1;
            B_PFX_WR: begin cnt_we = wr_fire; cnt_waddr = nvars[PW-1:0]; cnt_wdata = sum[LW:0]; end
            B_FQ:     cnt_we = wr_fire;
            default:  ;
        endcase
    end
    always @(posedge clk) begin
        if (cnt_we) cnt[cnt_waddr] <= cnt_wdata;
        cnt_q <= cnt[cnt_raddr];
    end

    // ---------------------------------------------------------------- table reads
    // While building, the literal after the one being placed and the clause after the current
    // one are read ahead; the literal in hand (rd_li_q) gives the variable to read.
    wire   ahead = state == B_VAQ || state == B_FQ;
    assign rd_va_addr = state == B_CLQ || state == B_FQ ? rd_li_q[8 +: VW] : cur_var;
    assign rd_cl_addr = nclauses[CW-1:0] + {{(CW-1){1'b0}}, ahead};
    assign rd_li_addr = nlits[LW-1:0] + {{(LW-1){1'b0}}, ahead};

    always @(*) begin
        m_wr_section = 3'd0;
        m_wr_addr = nvars32;
        m_wr_data = {cur_size1, vsum32[23:0]};
        case (state)
            L_CL_WR: begin
                m_wr_section = 3'd1;
                m_wr_addr = nclauses32;
                m_wr_data = {cur_len1, nlits32[23:0]};
            end
            L_LIT_PUT: begin
                m_wr_section = 3'd2;
                m_wr_addr = nlits32;
                m_wr_data = {cur_neg, {(23-VW){1'b0}}, cur_var, cur_val};
            end
            B_PFX_WR, B_PFX_LAST: begin
                m_wr_section = 3'd3;
                m_wr_addr = nvars32;
                m_wr_data = {{(31-LW){1'b0}}, sum};
            end
            B_FQ: begin
                m_wr_section = 3'd4;
                m_wr_addr = {{(31-LW){1'b0}}, cnt_q};
                m_wr_data = {cur_neg, nclauses32[30:0]};
            end
            default: ;
        endcase
    end

    task fail(input [31:0] arg);
        begin
            err     <= 1'b1;
            err_arg <= arg;
            state   <= L_ERR;
        end
    endtask

    // Drops n bits from the bottom of the reader.
    task consume(input [5:0] n);
        begin
            acc  <= acc >> n;
            have <= have - n;
        end
    endtask

    always @(posedge clk) begin
        case (state)
            L_WAIT:
                if (s_build) begin
                    if (nvars != {{(NW-VW-1){1'b0}}, n_vars}) fail(32'd5);
                    else if (vsum != n_values) fail(32'd6);
                    else if (nclauses != n_clauses || field != F_HDR) fail(32'd7);
                    else if (nlits != n_literals) fail(32'd8);
                    else begin
                        nvars <= 0;                            // slot index from here on
                        sum   <= 0;
                        state <= n_values == 0 ? B_PFX_LAST : B_PFX_RD;
                    end
                end else if (byte_fire) begin
                    if (!s_byte_section) begin
                        if (BOOLEANS_ONLY != 0 && s_byte_data != 8'd1) fail(32'd10);
                        else if (var_over) fail(32'd6);
                        else if (nvars == {{(NW-VW-1){1'b0}}, n_vars}) fail(32'd5);
                        else begin
                            cur_size1 <= s_byte_data;
                            state     <= L_VAR_WR;
                        end
                    end else if (done) fail(32'd7);
                    else begin
                        acc  <= acc | ({{(ACC-8){1'b0}}, s_byte_data} << have);   // have + 8 <= ACC
                        have <= have + 6'd8;
                    end
                end else if (have >= need)
                    case (field)
                        F_HDR:
                            if (!done) begin
                                if (acc[1:0] == 2'b11 && (nclauses == 0 || {1'b0, cur_len1} >= SHIFT_MAX9))
                                    fail(32'd9);
                                else begin
                                    if (acc[1:0] == 2'b01) begin
                                        cur_len1 <= acc[9:2];
                                        rem      <= {1'b0, acc[9:2]} + 9'd1;
                                    end else rem <= {1'b0, cur_len1} + 9'd1;
                                    shifting <= acc[1:0] == 2'b11;
                                    consume(need);
                                    state <= L_CL_WR;
                                end
                            end
                        F_SHIFT:                               // the next literal of the copy
                            if (nlits == n_literals) fail(32'd8);
                            else if (BOOLEANS_ONLY != 0) fail(32'd2);  // copies need more than 2 values
                            else begin
                                cur_neg <= pv_neg[lit_k];
                                cur_var <= pv_var[lit_k];
                                state   <= L_LIT_RD;
                            end
                        F_LIT:
                            if (lit_var >= {{(ACC-VW-1){1'b0}}, n_vars}) fail(32'd1);
                            else if (nlits == n_literals) fail(32'd8);
                            else begin
                                cur_neg <= acc[0];
                                cur_var <= lit_var[VW-1:0];
                                consume(need);
                                state   <= L_LIT_RD;
                            end
                        default: begin                         // F_VAL
                            if (lit_val > cur_size1) fail(32'd2);
                            else begin
                                cur_val <= lit_val[7:0];
                                consume(need);
                                state   <= L_LIT_PUT;
                            end
                        end
                    endcase
            L_VAR_WR:
                if (wr_fire) begin
                    clr_p    <= vsum[PW-1:0];
                    clr_last <= vsum[PW-1:0] + {{(PW-8){1'b0}}, cur_size1};
                    vsum     <= vsum + {{(PW-7){1'b0}}, cur_size1} + 1'b1;
                    nvars    <= nvars + 1'b1;
                    state    <= L_CLR;
                end
            L_CLR: begin
                clr_p <= clr_p + 1'b1;
                if (clr_p == clr_last) state <= L_WAIT;
            end
            L_CL_WR:
                if (wr_fire) begin
                    nclauses <= nclauses + 1'b1;
                    field    <= shifting ? F_SHIFT : F_LIT;
                    state    <= L_WAIT;
                end
            L_LIT_RD: state <= L_LIT_VQ;                      // VARS[cur_var] is read
            L_LIT_VQ: begin
                cur_size1 <= rd_va_q[PW +: 8];
                cur_base  <= va_base;
                if (shifting) begin
                    if (rd_va_q[PW +: 8] < 8'd2 || shift_val > {1'b0, rd_va_q[PW +: 8]}) fail(32'd2);
                    else begin
                        cur_val <= shift_val[7:0];
                        state   <= L_LIT_PUT;
                    end
                end else if (BOOLEANS_ONLY == 0 && rd_va_q[PW +: 8] >= 8'd2) begin
                    field <= F_VAL;
                    state <= L_WAIT;
                end else if (rd_va_q[PW +: 8] == 8'd0) fail(32'd2);  // value 1 of a 1-value variable
                else begin
                    cur_val <= 8'd1;
                    state   <= L_LIT_PUT;
                end
            end
            L_LIT_PUT:                                         // the slot's count is read
                if (wr_fire) begin
                    cur_slot <= cur_base + {{(PW-8){1'b0}}, cur_val};
                    state    <= L_CNT;
                end
            L_CNT: begin                                       // cnt_q: the slot's count, + 1 written
                nlits <= nlits + 1'b1;
                rem   <= rem - 9'd1;
                field <= rem == 9'd1 ? F_HDR : shifting ? F_SHIFT : F_LIT;
                state <= L_WAIT;
                if (lit_k9 < SHIFT_MAX9) begin
                    pv_neg[lit_k] <= cur_neg;
                    pv_var[lit_k] <= cur_var;
                    pv_val[lit_k] <= cur_val;
                end
            end
            B_PFX_RD: state <= B_PFX_WR;
            B_PFX_WR:                                          // cnt_q: slot nvars's count
                if (wr_fire) begin
                    sum   <= sum + cnt_q;
                    nvars <= nvars + 1'b1;
                    if (nvars + 1'b1 == {{(NW-PW-1){1'b0}}, n_values}) state <= B_PFX_LAST;
                end
            B_PFX_LAST:
                if (wr_fire) begin
                    nclauses <= 0;
                    nlits    <= 0;
                    state    <= n_clauses == 0 ? L_DONE : B_CL;  // (reads 0 ahead)
                end
            B_CL: state <= B_CLQ;                              // CLAUSES[0], LITERALS[0] are read
            B_CLQ: begin                                       // VARS[literal 0's variable] is read
                rem     <= {1'b0, rd_cl_q[LW +: 8]} + 9'd1;
                cur_neg <= rd_li_q[VW + 8];
                cur_val <= rd_li_q[7:0];
                state   <= B_VAQ;
            end
            B_VAQ: begin                                       // the slot's fill position is read
                cur_slot <= va_base + {{(PW-8){1'b0}}, cur_val};
                state    <= B_FQ;
            end
            B_FQ:                                              // rd_li_q: the next literal
                if (wr_fire) begin
                    nlits   <= nlits + 1'b1;
                    cur_neg <= rd_li_q[VW + 8];
                    cur_val <= rd_li_q[7:0];
                    state   <= B_VAQ;
                    if (rem != 9'd1) rem <= rem - 9'd1;
                    else begin                                 // rd_cl_q: the next clause
                        rem      <= {1'b0, rd_cl_q[LW +: 8]} + 9'd1;
                        nclauses <= nclauses + 1'b1;
                        if (nclauses + 1'b1 == n_clauses) state <= L_DONE;
                    end
                end
            default: ;                                         // L_ERR, L_DONE: until s_begin
        endcase

        if (s_begin || rst) begin
            state    <= L_WAIT;
            field    <= F_HDR;
            shifting <= 1'b0;
            cur_len1 <= 8'd0;
            acc      <= 0;
            have     <= 6'd0;
            nvars    <= 0;
            vsum     <= 0;
            nclauses <= 0;
            nlits    <= 0;
            err      <= 1'b0;
            err_arg  <= 32'd0;
        end
    end
endmodule

`default_nettype wire
