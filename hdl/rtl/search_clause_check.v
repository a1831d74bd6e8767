// The on-chip proof of the searched clauses: recounts every clause of the search tables from its
// literals against a held assignment, independently of the chain's cached counts, so that the
// clauses need not also travel in the validator program (docs/search.md, "The proof").
//
//   s_valid/s_ready   start a check of clauses 0 .. num_clauses - 1 (num_clauses stable until
//                     the result is taken); ready only while idle.
//   m_valid/m_ready   the result: m_ok = every clause has a true literal. Held until taken.
//   cl_addr -> cl_q   CLAUSES words (docs/search.md layout: literal_start, length - 1 in [LW+7:LW])
//   li_addr -> li_q   LITERALS words ({negated, var, value}), both RAMs with registered reads
//   val_addr -> val_q the assignment, registered read: val_q is val[val_addr] one cycle later
//   busy              the reads are this block's (from s_valid's edge to m_valid)
//
// One literal a cycle: issue li_addr, then (li_q) val_addr, then (val_q) the literal's truth ORed
// into its clause; a clause ends on its last literal and a false one fails the check, which then
// stops issuing. The next clause word is read on the cycle the last literal is issued, so a
// check takes num_literals + num_clauses + 4 cycles at most (a failing one fewer). Addresses
// wrap at the RAMs' sizes like every search table read; the loop is bounded by num_clauses and
// each clause's 1..256 literals.
`default_nettype none

module search_clause_check #(
    parameter integer MAX_VARS = 16384,      // powers of two, as search_core's
    parameter integer MAX_CLAUSES = 1 << 20,
    parameter integer MAX_LITERALS = 1 << 21
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          s_valid,
    output wire                          s_ready,
    input  wire [$clog2(MAX_CLAUSES):0]  num_clauses,
    output wire                          m_valid,
    input  wire                          m_ready,
    output reg                           m_ok,
    output wire [$clog2(MAX_CLAUSES)-1:0]   cl_addr,
    input  wire [$clog2(MAX_LITERALS)+7:0]  cl_q,
    output wire [$clog2(MAX_LITERALS)-1:0]  li_addr,
    input  wire [$clog2(MAX_VARS)+8:0]      li_q,
    output wire [$clog2(MAX_VARS)-1:0]      val_addr,
    input  wire [7:0]                    val_q,
    output wire                          busy
);
    localparam integer VW = $clog2(MAX_VARS);
    localparam integer CW = $clog2(MAX_CLAUSES);
    localparam integer LW = $clog2(MAX_LITERALS);
    localparam integer WW = VW + 9;

    localparam [2:0] C_IDLE = 3'd0, C_FETCH = 3'd1, C_START = 3'd2, C_STREAM = 3'd3,
                     C_DRAIN = 3'd4, C_DONE = 3'd5;
    reg  [2:0]    state;
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

    // The pipeline: p1 (li_q on offer), p2 (val_q on offer).
    reg           p1_v, p1_last, p2_v, p2_last, p2_neg;
    reg  [7:0]    p2_value;
    reg           sat;        // some literal of the clause in p2 seen true so far
    assign val_addr = li_q[8 +: VW];
    wire          truth = (val_q == p2_value) ^ p2_neg;

    always @(posedge clk) begin
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
                    c <= {(CW+1){1'b0}};
                    fail <= 1'b0;
                    sat <= 1'b0;
                    m_ok <= 1'b0;
                    state <= num_clauses == {(CW+1){1'b0}} ? C_DRAIN : C_FETCH;
                end
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
            fail <= 1'b0;
            m_ok <= 1'b0;
        end
    end
endmodule

`default_nettype wire
