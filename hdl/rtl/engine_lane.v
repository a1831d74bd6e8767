// One constraint engine lane: the assignment memory of one candidate (two banks, so the next
// candidate is unpacked while this one is checked) and the per-candidate state of the executor
// (term, cons, acc, the ADIFF seen set, the violation count and the first K violated indices,
// kept in a block RAM that the reply encoder reads through `list_index`).
//
// All lanes of a core run in lockstep on the same program word (validator_core issues it and
// keeps the state that depends on the program alone: tfresh, cfresh, cidx, the seen-set
// generation); each lane evaluates the word against its own candidate. Field layout and
// execution rules: docs/validator-program.md.
//
// Pipeline, one word per cycle: stage 1 reads the operands (rd_x, rd_y), stage 2 computes the
// literal of every opcode but ADIFF, updates acc and reads the seen set, stage 3 finishes ADIFF
// and folds the literal into term and cons.
//
// The seen set is a 256 x GW block RAM of generation tags: seen[s] is tag[s] == gen. Clearing it
// at EC is advancing gen (validator_core), and tags older than 2^GW generations are wiped by a
// sweep before they could match again. GW (validator_core) is 16 up to 16K constraints.
// Counts and violated indices are NW = CIDX_W + 1 bits (a count reaches MAX_CONSTRAINTS). The tag written by the word just before is forwarded,
// since a block RAM read in the same cycle as the write returns the old tag.
`default_nettype none

module engine_lane #(
    parameter MAX_VARS = 1024,
    parameter CIDX_W = 14,
    parameter K = 8,
    parameter GW = 16                            // bits of a seen-set generation
) (
    input  wire                        clk,
    // unpacker write port: bank, variable, index
    input  wire                        wr_en,
    input  wire [$clog2(MAX_VARS):0]   wr_addr,
    input  wire [7:0]                  wr_index,
    // stage 1: operand reads {bank, x} and {bank, y}
    input  wire [$clog2(MAX_VARS):0]   rd_x,
    input  wire [$clog2(MAX_VARS):0]   rd_y,
    input  wire                        start,     // clear the state for a new candidate
    // stage 2
    input  wire                        step2,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [63:0]                 word,      // x was used in stage 1; the flags come as the *3 inputs
    /* verilator lint_on UNUSEDSIGNAL */
    // stage 3
    input  wire                        step3,
    input  wire                        adiff3,    // the word is an ADIFF
    input  wire                        literal3,  // the word has a literal (not ACC)
    input  wire                        neg3,
    input  wire                        end_term3, // ET or EC
    input  wire                        ec3,
    input  wire                        mode3,
    input  wire                        tfresh,
    input  wire                        cfresh,
    input  wire [CIDX_W-1:0]           cidx,
    input  wire [GW-1:0]               gen,
    // seen-set sweep: writes gen (0 while sweeping) at sweep_addr
    input  wire                        sweep,
    input  wire [7:0]                  sweep_addr,
    // verdict: the count, and violated index `list_index` one cycle after the address
    output reg  [CIDX_W:0]             count,
    input  wire [$clog2(K)-1:0]        list_index,
    output wire [CIDX_W:0]             list_entry
);
    `include "validator_codes.vh"
    localparam AW = $clog2(MAX_VARS) + 1;   // two banks of MAX_VARS indices

    // Two copies of the assignment memory: CMP reads two variables in one cycle.
    wire [7:0] vx, vy;
    frame_ram #(.AW(AW)) mem_x (
        .clk(clk), .we(wr_en), .waddr(wr_addr), .wdata(wr_index), .raddr(rd_x), .rdata(vx));
    frame_ram #(.AW(AW)) mem_y (
        .clk(clk), .we(wr_en), .waddr(wr_addr), .wdata(wr_index), .raddr(rd_y), .rdata(vy));

    // ---------------------------------------------------------------- stage 2
    wire [3:0] op = word[63:60];

    // Comparison code applied to the sign and zero flags of a - b.
    function automatic cop_holds(input [2:0] cop, input is_zero, input is_neg);
        case (cop)
            3'd0: cop_holds = is_zero;
            3'd1: cop_holds = !is_zero;
            3'd2: cop_holds = is_neg;
            3'd3: cop_holds = is_neg || is_zero;
            3'd4: cop_holds = !is_neg && !is_zero;
            default: cop_holds = !is_neg;   // 5; 6 and 7 are refused at load
        endcase
    endfunction

    // IN: base <= v_x < base + 32 and mask[v_x - base]
    wire [8:0]  in_off = {1'b0, vx} - {1'b0, word[39:32]};
    wire [31:0] in_mask = word[31:0];
    wire in_lit = !in_off[8] && in_off[7:5] == 3'd0 && in_mask[in_off[4:0]];

    // CMP: v_x cop v_y + c, as the sign and zero of v_x - v_y - c (18 bits hold every case).
    wire [8:0]  cmp_xy = {1'b0, vx} - {1'b0, vy};
    wire [17:0] cmp_d = {{9{cmp_xy[8]}}, cmp_xy} - {{2{word[15]}}, word[15:0]};
    wire cmp_lit = cop_holds(word[23:21], cmp_d == 18'd0, cmp_d[17]);

    // LCMP: acc cop k, as the sign and zero of acc - k in 33 bits.
    reg  [31:0] acc;
    wire [32:0] lcmp_d = {acc[31], acc} - {word[31], word[31:0]};
    wire lcmp_lit = cop_holds(word[34:32], lcmp_d == 33'd0, lcmp_d[32]);

    // ACC: acc := (CLR ? 0 : acc) + coef * v_x; a signed 16 x 9 product (one UP5K DSP).
    wire signed [24:0] product = $signed(word[15:0]) * $signed({1'b0, vx});
    wire [31:0] acc_next = (word[39] ? 32'd0 : acc) + {{7{product[24]}}, product};

    reg lit2;
    always @(*) begin
        case (op)
            OP_IN:   lit2 = in_lit;
            OP_CMP:  lit2 = cmp_lit;
            OP_LCMP: lit2 = lcmp_lit;
            default: lit2 = 1'b1;          // TRUE; ACC has none, ADIFF is decided in stage 3
        endcase
    end

    // ADIFF: the seen-set slot (v_x + off) mod 256, its tag read now
    wire [7:0]  slot2 = vx + word[7:0];
    wire [GW-1:0] tag;
    wire          tag_we = sweep || (step3 && adiff3);
    reg  [7:0]    slot3;
    wire [7:0]    tag_waddr = sweep ? sweep_addr : slot3;
    frame_ram #(.AW(8), .DW(GW)) tags (
        .clk(clk), .we(tag_we), .waddr(tag_waddr), .wdata(gen), .raddr(slot2), .rdata(tag));

    // ---------------------------------------------------------------- stage 3
    reg         lit3;
    reg         last_marked;       // the word before marked last_slot in this constraint
    reg  [7:0]  last_slot;
    wire        seen = tag == gen || (last_marked && last_slot == slot3);
    wire        l = (adiff3 ? !seen : lit3) ^ neg3;

    reg term, cons;
    wire term_n = !literal3 ? term : tfresh ? l : mode3 ? (term && l) : (term || l);
    wire tfresh_n = literal3 ? 1'b0 : tfresh;
    wire t = tfresh_n ? mode3 : term_n;
    wire cons_n = cfresh ? t : mode3 ? (cons || t) : (cons && t);

    // The first K violated indices in a block RAM (256 x NW, one EBR up to 16 bits: 32K
    // constraints; 256 deep so that yosys maps it to block RAM; entries 0..K-1 are used).
    localparam LW = $clog2(K);
    localparam NW = CIDX_W + 1;
    localparam [NW-1:0] K_NW = K;
    wire        list_we = step3 && ec3 && !cons_n && count < K_NW;
    wire [7:0]  list_waddr = {{(8-LW){1'b0}}, count[LW-1:0]};
    wire [7:0]  list_raddr = {{(8-LW){1'b0}}, list_index};
    frame_ram #(.AW(8), .DW(NW)) list (
        .clk(clk), .we(list_we), .waddr(list_waddr), .wdata({1'b0, cidx}), .raddr(list_raddr),
        .rdata(list_entry));

    always @(posedge clk) begin
        lit3 <= lit2;
        slot3 <= slot2;
        if (start) begin
            acc <= 32'd0;
            count <= {NW{1'b0}};
            last_marked <= 1'b0;
        end else begin
            if (step2 && op == OP_ACC) acc <= acc_next;
            if (step3) begin
                term <= term_n;
                if (end_term3) cons <= cons_n;
                last_marked <= adiff3 && !ec3;
                last_slot <= slot3;
                if (ec3 && !cons_n) count <= count + 1'b1;
            end
        end
    end
endmodule

`default_nettype wire
