// The on-chip proof of a held assignment against the search tables, independent of the chain's
// cached counts, so that neither the searched clauses nor the variables' ranges need travel in
// the validator program too (docs/search.md, "The proof"): every variable's value is within its
// size, and every clause has a true literal.
//
//   s_valid/s_ready   start a check of variables 0 .. num_vars - 1 and clauses 0 ..
//                     num_clauses - 1 (both stable until the result is taken); ready while idle.
//   m_valid/m_ready   the result: m_ok = every value in range and every clause true. Held until
//                     taken.
//   va_addr -> va_q   VARS words (docs/search.md layout: value_base, size - 1 in [PW+7:PW])
//   cl_addr -> cl_q   CLAUSES words (literal_start, length - 1 in [LW+7:LW])
//   li_addr -> li_q   LITERALS words ({negated, var, value}); every RAM has registered reads
//   val_addr -> val_q the assignment, registered read: val_q is val[val_addr] one cycle later
//   busy              the reads are this block's (from s_valid's edge to m_valid)
//
// First the ranges, one variable a cycle (VARS and val read together, compared a cycle later);
// then the clauses, one literal a cycle: issue li_addr, then (li_q) val_addr, then (val_q) the
// literal's truth ORed into its clause; a clause ends on its last literal and a false one fails
// the check, which then stops issuing. The next clause word is read on the cycle the last literal
// is issued, so a check takes num_vars + num_literals + num_clauses + 6 cycles at most. Addresses
// wrap at the RAMs' sizes like every search table read; the loops are bounded by num_vars,
// num_clauses and each clause's 1..256 literals.
`default_nettype none

module search_clause_check #(
    parameter integer MAX_VARS = 16384,      // powers of two, as search_core's
    parameter integer MAX_VALUES = 65536,
    parameter integer MAX_CLAUSES = 1 << 20,
    parameter integer MAX_LITERALS = 1 << 21
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          s_valid,
    output wire                          s_ready,
    input  wire [$clog2(MAX_VARS):0]     num_vars,
    input  wire [$clog2(MAX_CLAUSES):0]  num_clauses,
    output wire                          m_valid,
    input  wire                          m_ready,
    output reg                           m_ok,
    output wire [$clog2(MAX_VARS)-1:0]      va_addr,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [$clog2(MAX_VALUES)+7:0]    va_q,       // value_base is not needed
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [$clog2(MAX_CLAUSES)-1:0]   cl_addr,
    input  wire [$clog2(MAX_LITERALS)+7:0]  cl_q,
    output wire [$clog2(MAX_LITERALS)-1:0]  li_addr,
    input  wire [$clog2(MAX_VARS)+8:0]      li_q,
    output wire [$clog2(MAX_VARS)-1:0]      val_addr,
    input  wire [7:0]                    val_q,
    output wire                          busy
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer PW = $clog2(MAX_VALUES);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer WW = VW + 9;

    localparam [2:0] C_IDLE = 3'd0, C_FETCH = 3'd1, C_START = 3'd2, C_STREAM = 3'd3,
                     C_DRAIN = 3'd4, C_DONE = 3'd5, C_RANGE = 3'd6, C_RANGE_END = 3'd7;
    reg  [2:0]    state;
    reg  [VW:0]   x;          // the variable whose range is read
    reg  [CW:0]   c;          // the clause being issued
    reg  [LW-1:0] k;          // its next literal
    reg  [8:0]    rem;        // its literals not yet issued (1..256 while streaming)
    reg           fail;

    assign s_ready = state == C_IDLE;
    assign m_valid = state == C_DONE;
    assign busy = state != C_IDLE && state != C_DONE;

    wire issue = state == C_STREAM && !fail;
    wire last_issue = issue && rem == 9'd1;
    wire [CW:0] c_next = c + 1'b1;
    assign cl_addr = last_issue ? c_next[CW-1:0] : c[CW-1:0];
    assign li_addr = k;
    assign va_addr = x[VW-1:0];

    // The pipeline: p1 (li_q on offer), p2 (val_q on offer).
    reg           p1_v, p1_last, p2_v, p2_last, p2_neg;
    reg  [7:0]    p2_value;
    reg           sat;        // some literal of the clause in p2 seen true so far
    wire          ranging = state == C_RANGE;
    assign val_addr = ranging ? x[VW-1:0] : li_q[8 +: VW];
    wire          truth = (val_q == p2_value) ^ p2_neg;
    reg           r1_v;       // a variable's VARS word and value on offer

    always @(posedge clk) begin
        r1_v <= ranging;
        if (r1_v && val_q > va_q[PW +: 8]) fail <= 1'b1;
        p1_v <= issue;
        p1_last <= last_issue;
        p2_v <= p1_v;
        p2_last <= p1_last;
        p2_neg <= li_q[WW-1];
        p2_value <= li_q[7:0];
        if (p2_v) begin
            if (p2_last) begin
                sat <= 1'b0;
                if (!(sat || truth)) fail <= 1'b1;
            end else sat <= sat || truth;
        end

        case (state)
            C_IDLE:
                if (s_valid) begin
                    x <= {(VW+1){1'b0}};
                    c <= {(CW+1){1'b0}};
                    fail <= 1'b0;
                    sat <= 1'b0;
                    m_ok <= 1'b0;
                    state <= num_vars == {(VW+1){1'b0}} ? C_RANGE_END : C_RANGE;
                end
            C_RANGE: begin                          // va_addr = val_addr = x
                x <= x + 1'b1;
                if (x + 1'b1 == num_vars) state <= C_RANGE_END;
            end
            C_RANGE_END:                            // the last range compared
                if (!r1_v) state <= fail || num_clauses == {(CW+1){1'b0}} ? C_DRAIN : C_FETCH;
            C_FETCH: state <= C_START;             // cl_addr = c
            C_START: begin                          // cl_q: clause c
                k <= cl_q[LW-1:0];
                rem <= {1'b0, cl_q[LW +: 8]} + 9'd1;
                state <= C_STREAM;
            end
            C_STREAM:
                if (fail) state <= C_DRAIN;
                else begin
                    k <= k + 1'b1;
                    rem <= rem - 9'd1;
                    if (last_issue) begin
                        c <= c_next;
                        state <= c_next == num_clauses ? C_DRAIN : C_START;
                    end
                end
            C_DRAIN:
                if (!p1_v && !p2_v) begin
                    m_ok <= !fail;
                    state <= C_DONE;
                end
            default:                                // C_DONE
                if (m_ready) state <= C_IDLE;
        endcase

        if (rst) begin
            state <= C_IDLE;
            p1_v <= 1'b0;
            p2_v <= 1'b0;
            r1_v <= 1'b0;
            fail <= 1'b0;
            m_ok <= 1'b0;
        end
    end

`ifdef FORMAL
    // hdl/formal/search_clause_check.ys (ABC PDR): the handshakes (R1) and the states' meaning,
    // whatever the RAMs return. What the result says is judged by the bench
    // (hdl/tb/search_clause_check_tb.cpp against a recount).
`ifdef SEARCH_CLAUSE_CHECK
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME(rst);
    // The sizes stay put from the start until the result is taken (the port's contract).
    reg [VW:0] f_nv;
    reg [CW:0] f_nc;
    always @(posedge clk) if (s_valid && s_ready) begin
        f_nv <= num_vars;
        f_nc <= num_clauses;
    end
    always @(*) if (f_past_valid && (busy || m_valid)) begin
        `ASSUME(num_vars == f_nv);
        `ASSUME(num_clauses == f_nc);
    end
    always @(posedge clk) if (f_past_valid && !$past(rst) && !rst) begin
        if ($past(m_valid && !m_ready)) begin     // a result on offer stays, unchanged
            assert(m_valid);
            assert(m_ok == $past(m_ok));
        end
        if ($past(busy)) assert(busy || m_valid); // a check runs to its result
    end
    always @(*) if (f_past_valid && !rst) begin
        assert(!(busy && m_valid));
        assert(s_ready == (!busy && !m_valid));
        if (busy) assert(x <= num_vars);
        if (state == C_STREAM) assert(rem != 9'd0 && c < num_clauses);
        if (state == C_START || state == C_FETCH) assert(c < num_clauses);
        if (m_valid && m_ok) assert(!fail);
    end
`undef ASSUME
`endif
endmodule

`default_nettype wire
