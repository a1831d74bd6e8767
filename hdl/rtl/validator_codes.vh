/* verilator lint_off UNUSEDPARAM */
// Codes shared by the validator modules and by whoever drives validator_core (included inside
// a module body). ERR_* and LIMIT_* are the ErrorCode and Limit values of proto/link.proto;
// OP_* the opcodes of docs/validator-program.md.

// validator_core command (cmd_op)
localparam [2:0] CMD_RESET = 3'd1;       // Reset: drop the program and every candidate
localparam [2:0] CMD_BEGIN = 3'd2;       // ProgramBegin: a = program_id, b = num_vars, c = num_words, d = num_constraints
localparam [2:0] CMD_CHUNK = 3'd3;       // ProgramChunk: a = kind, b = offset, data = cmd_len bytes
localparam [2:0] CMD_END = 3'd4;         // ProgramEnd: a = crc
localparam [2:0] CMD_CANDIDATE = 3'd5;   // Candidate: a = program_id, data = cmd_len bytes

// validator_core reply (rep_kind)
localparam [1:0] REP_ACK = 2'd0;
localparam [1:0] REP_ERROR = 2'd1;
localparam [1:0] REP_VERDICT = 2'd2;

localparam [3:0] ERR_NONE = 4'd0;
localparam [3:0] ERR_UNKNOWN_MESSAGE = 4'd4;
localparam [3:0] ERR_CAPACITY = 4'd5;
localparam [3:0] ERR_BAD_VARIABLE = 4'd6;
localparam [3:0] ERR_BAD_OPCODE = 4'd7;
localparam [3:0] ERR_BAD_WIDTH = 4'd8;
localparam [3:0] ERR_PROGRAM_STATE = 4'd9;
localparam [3:0] ERR_PROGRAM_CRC = 4'd10;
localparam [3:0] ERR_NO_PROGRAM = 4'd11;
localparam [3:0] ERR_WRONG_PROGRAM = 4'd12;
localparam [3:0] ERR_CANDIDATE_LENGTH = 4'd13;

localparam [31:0] LIMIT_VARS = 32'd1;
localparam [31:0] LIMIT_WORDS = 32'd2;
localparam [31:0] LIMIT_CONSTRAINTS = 32'd3;

localparam [31:0] CHUNK_WIDTHS = 32'd0;
localparam [31:0] CHUNK_WORDS = 32'd1;

localparam [3:0] OP_TRUE = 4'd0;
localparam [3:0] OP_IN = 4'd1;
localparam [3:0] OP_CMP = 4'd2;
localparam [3:0] OP_ACC = 4'd3;
localparam [3:0] OP_LCMP = 4'd4;
localparam [3:0] OP_ADIFF = 4'd5;
/* verilator lint_on UNUSEDPARAM */
