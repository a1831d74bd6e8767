// Stand-in for the constraint engine, with the engine's ports (the seam described in
// hdl/README.md): a device without an engine. It answers every program message with
// ERROR_CAPACITY (arg LIMIT_WORDS: it holds no program words) and every candidate with
// ERROR_NO_PROGRAM, and advertises zero capacities.
`default_nettype none

module engine_absent #(
    parameter integer MAX_PAYLOAD = 512
) (
    input  wire          clk,
    input  wire          rst,
    // Request: a decoded ProgramBegin (5), ProgramChunk (6), ProgramEnd (7) or Candidate (8).
    input  wire          req_valid,
    output wire          req_ready,
    input  wire [3:0]    req_kind,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]   req_f1,
    input  wire [31:0]   req_f2,
    input  wire [31:0]   req_f3,
    input  wire [31:0]   req_f4,
    input  wire [31:0]   req_f5,
    input  wire [AW:0]   req_len,
    input  wire [7:0]    req_data,
    input  wire          clear,
    input  wire [IW-1:0] rep_item,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [AW-1:0] req_addr,
    // Reply: Ack (4), Verdict (8) or Error (15), through the reply encoder.
    output wire          rep_valid,
    input  wire          rep_ready,
    output wire [3:0]    rep_kind,
    input  wire [3:0]    rep_fld,
    output reg  [31:0]   rep_val,
    output wire [31:0]   rep_item_val,
    // Capacities (HelloReply) and counters (Counters).
    output wire [31:0]   max_vars,
    output wire [31:0]   max_domain,
    output wire [31:0]   max_words,
    output wire [31:0]   max_constraints,
    output wire [31:0]   max_violations,
    output wire [31:0]   engines,
    output wire [31:0]   candidates,
    output wire [31:0]   busy_cycles,
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam integer IW = AW + 1;
    localparam [31:0] ERROR_CAPACITY = 32'd5, ERROR_NO_PROGRAM = 32'd11, LIMIT_WORDS = 32'd2;
    localparam [3:0]  KIND_CANDIDATE = 4'd8, KIND_ERROR = 4'd15;

    reg        pending;
    reg [31:0] seq, code, arg;

    assign req_ready    = req_valid && !pending;
    assign req_addr     = 0;
    assign rep_valid    = pending;
    assign rep_kind     = KIND_ERROR;
    assign rep_item_val = 32'd0;
    assign {max_vars, max_domain, max_words, max_constraints, max_violations, engines} = 192'd0;
    assign candidates   = 32'd0;
    assign busy_cycles  = 32'd0;
    assign busy         = pending;

    always @* begin
        case (rep_fld)
            4'd1: rep_val = seq;
            4'd2: rep_val = code;
            4'd3: rep_val = arg;
            default: rep_val = 32'd0;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            pending <= 1'b0;
        end else if (req_ready) begin
            pending <= 1'b1;
            seq     <= req_f1;
            code    <= req_kind == KIND_CANDIDATE ? ERROR_NO_PROGRAM : ERROR_CAPACITY;
            arg     <= req_kind == KIND_CANDIDATE ? 32'd0 : LIMIT_WORDS;
        end else if (rep_ready) begin
            pending <= 1'b0;
        end
    end
endmodule

`default_nettype wire
