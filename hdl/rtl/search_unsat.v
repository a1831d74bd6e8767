// The list of unsatisfied clauses of search_core (docs/search.md, "The algorithm"): `count`
// entries in `ulist`, and each listed clause's position in `upos`, so that a clause leaves the
// list in two cycles (the last entry moves into its place).
//
// Operations queue in a DEPTH-entry FIFO and are applied in order, one at a time: an add takes
// one cycle (writes only), a remove two (read upos[c] and ulist[count-1], then write both), so
// every read sees every earlier write and no forwarding is needed. The queue has no ready: the
// producer issues only while `queued` plus its operations in flight stays below DEPTH.
// A remove with count 0 and an add with count MAX_CLAUSES are dropped (inconsistent tables only).
//
// Read port: rd_list is ulist[rd_addr] one cycle later (the flip's pick; the debug port). rd_pos
// is upos[pos_addr] one cycle later, valid while `idle` (the port is the remove's otherwise).
// `clear` empties the list and the queue (a restart, a stop).
`default_nettype none

module search_unsat #(
    parameter integer CW = 20,         // clause index bits: 1 << CW clauses
    parameter integer QW = 4           // queue of 1 << QW operations
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          clear,
    input  wire          s_op_valid,
    input  wire          s_op_remove,  // 1: remove s_op_clause, 0: add it
    input  wire [CW-1:0] s_op_clause,
    output reg  [QW:0]   queued,
    output wire          idle,
    output reg  [CW:0]   count,
    input  wire [CW-1:0] rd_addr,
    output reg  [CW-1:0] rd_list,
    input  wire [CW-1:0] pos_addr,
    output reg  [CW-1:0] rd_pos
);
    generate
        if (CW < 1 || CW > 30 || QW < 2 || QW > 8) begin : g_bad_parameters
            SEARCH_UNSAT_CW_1_TO_30_QW_2_TO_8 unsupported ();
        end
    endgenerate

    localparam integer DEPTH = 1 << QW;

    reg [CW-1:0] ulist [0:(1 << CW) - 1];
    reg [CW-1:0] upos  [0:(1 << CW) - 1];

    // ---------------------------------------------------------------- queue
    reg [CW:0]   q_op [0:DEPTH-1];          // {remove, clause}
    reg [QW-1:0] q_rd, q_wr;
    wire         q_empty = queued == {(QW+1){1'b0}};
    wire [CW:0]  head = q_op[q_rd];
    wire         head_remove = head[CW];
    wire [CW-1:0] head_clause = head[CW-1:0];

    // ---------------------------------------------------------------- processor
    reg          removing;                  // a remove's reads are out; its writes are this cycle
    wire         pop = !q_empty && !removing;
    wire         add_now = pop && !head_remove && !count[CW];
    wire         rem_start = pop && head_remove && count != {(CW+1){1'b0}};
    wire [CW-1:0] last_index = count[CW-1:0] - 1'b1;   // count - 1, masked (count 2^CW: all ones)
    reg  [CW-1:0] tail_q;                   // ulist[count - 1] at the remove's start
    assign idle = q_empty && !removing;

    always @(posedge clk) begin
        rd_list <= ulist[rd_addr];
        tail_q <= ulist[last_index];
        rd_pos <= upos[rem_start ? head_clause : pos_addr];

        if (s_op_valid) begin
            q_op[q_wr] <= {s_op_remove, s_op_clause};
            q_wr <= q_wr + 1'b1;
        end
        if (pop) q_rd <= q_rd + 1'b1;
        queued <= queued + {{QW{1'b0}}, s_op_valid} - {{QW{1'b0}}, pop};

        removing <= rem_start;
        if (removing) begin
            // rd_pos: where the removed clause sits; tail_q: the last entry, which moves there
            ulist[rd_pos] <= tail_q;
            upos[tail_q] <= rd_pos;
            count <= count - 1'b1;
        end else if (add_now) begin
            ulist[count[CW-1:0]] <= head_clause;
            upos[head_clause] <= count[CW-1:0];
            count <= count + 1'b1;
        end

        if (rst || clear) begin
            queued <= {(QW+1){1'b0}};
            q_rd <= {QW{1'b0}};
            q_wr <= {QW{1'b0}};
            removing <= 1'b0;
            count <= {(CW+1){1'b0}};
        end
    end
endmodule

`default_nettype wire
