// Protobuf wire-format decoder for one HostMessage payload held in a frame slot.
// It reads the payload through a byte port (one cycle of latency, two cycles per byte read) and
// returns the body: which oneof member (`kind`, the HostMessage field number), its varint and
// fixed32 fields 1..6 (absent fields are 0), and where its one bytes field lies in the payload.
// It follows the proto3 rules the link needs: fields in any order; the last value of a repeated
// scalar wins; a repeated body of the same kind merges, of another kind replaces; unknown fields
// of wire types 0, 1, 2 and 5 are skipped (at both levels); varints of up to 10 bytes are taken
// mod 2^32. Malformed input sets `error`: a truncated field, a length past the end of its message,
// an 11-byte varint, field number 0, wire types 3, 4, 6, 7, or a known field with the wrong type.
// The schema of the bodies (host_field_type below) mirrors proto/link.proto. Bodies are HostMessage
// fields 1..16 (16, SetBaud, has a two-byte key); top-level fields 17 and up are unknown.
`default_nettype none

module pb_decoder #(
    parameter integer MAX_PAYLOAD = 512   // a power of two
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          start,           // decode the payload of `len` bytes (read at start)
    input  wire [AW:0]   len,
    output reg           done,            // one-cycle pulse; the results hold until the next start
    output wire [AW-1:0] rd_addr,         // payload byte index
    input  wire [7:0]    rd_data,         // byte at rd_addr, one cycle later
    output reg           error,
    output reg  [4:0]    kind,            // 0: no known body; else the HostMessage field (1..16)
    output reg  [31:0]   f1,
    output reg  [31:0]   f2,
    output reg  [31:0]   f3,
    output reg  [31:0]   f4,
    output reg  [31:0]   f5,
    output reg  [31:0]   f6,
    output reg  [AW-1:0] bytes_off,       // the body's bytes field: offset and length
    output reg  [AW:0]   bytes_len
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam [1:0] T_NONE = 2'd0, T_VARINT = 2'd1, T_FIXED32 = 2'd2, T_BYTES = 2'd3;
    localparam [2:0] S_IDLE = 3'd0, S_FIELD = 3'd1, S_READ = 3'd2, S_BYTE = 3'd3, S_KEY = 3'd4,
                     S_VALUE = 3'd5, S_LENGTH = 3'd6, S_FIXED = 3'd7;
    // What the bytes being read are for.
    localparam [1:0] P_KEY = 2'd0, P_VALUE = 2'd1, P_LENGTH = 2'd2, P_FIXED = 2'd3;

    // Type of field `f` of HostMessage body `k` (see proto/link.proto).
    function [1:0] host_field_type(input [4:0] k, input [2:0] f);
        begin
            host_field_type = T_NONE;
            case (k)
                5'd1: if (f == 3'd1 || f == 3'd2) host_field_type = T_VARINT;          // Hello
                5'd2: if (f == 3'd1) host_field_type = T_VARINT;                       // Echo
                      else if (f == 3'd2) host_field_type = T_BYTES;
                5'd3, 5'd4: if (f == 3'd1) host_field_type = T_VARINT;                 // CountersRequest, Reset
                5'd5: if (f >= 3'd1 && f <= 3'd5) host_field_type = T_VARINT;          // ProgramBegin
                5'd6: if (f >= 3'd1 && f <= 3'd3) host_field_type = T_VARINT;          // ProgramChunk
                      else if (f == 3'd4) host_field_type = T_BYTES;
                5'd7: if (f == 3'd1) host_field_type = T_VARINT;                       // ProgramEnd
                      else if (f == 3'd2) host_field_type = T_FIXED32;
                5'd8: if (f == 3'd1 || f == 3'd2) host_field_type = T_VARINT;          // Candidate
                      else if (f == 3'd3) host_field_type = T_BYTES;
                5'd9: if (f >= 3'd1 && f <= 3'd5) host_field_type = T_VARINT;          // SearchBegin
                5'd10: if (f >= 3'd1 && f <= 3'd3) host_field_type = T_VARINT;         // SearchChunk
                       else if (f == 3'd4) host_field_type = T_BYTES;
                5'd11: if (f == 3'd1) host_field_type = T_VARINT;                      // SearchEnd
                       else if (f == 3'd2) host_field_type = T_FIXED32;
                5'd12: if (f == 3'd1 || f == 3'd2) host_field_type = T_VARINT;         // Prior
                       else if (f == 3'd3) host_field_type = T_BYTES;
                5'd13: if (f >= 3'd1 && f <= 3'd6) host_field_type = T_VARINT;         // SearchStart
                5'd14, 5'd15: if (f == 3'd1) host_field_type = T_VARINT;               // SearchStop, SearchStatusRequest
                5'd16: if (f == 3'd1 || f == 3'd2) host_field_type = T_VARINT;         // SetBaud
                default: ;
            endcase
        end
    endfunction

    reg [2:0]  state;
    reg [1:0]  purpose;
    reg [AW:0] pos;          // next byte to read
    reg [AW:0] msg_end;      // payload length
    reg [AW:0] body_end;     // end of the body while inside it
    reg        in_body;
    reg [31:0] acc;          // value being read
    reg [3:0]  nbytes;       // bytes of it read so far
    reg [4:0]  field;        // field number of the current field (low bits: the known ones are < 17)
    reg [1:0]  ftype;       // its type in the schema (T_NONE: unknown, skip)

    wire [AW:0] limit    = in_body ? body_end : msg_end;
    wire [AW:0] room     = limit - pos;
    wire        at_limit = pos == limit;
    // A length or skip of acc bytes fits in the current message.
    wire        fits     = ~|acc[31:AW+1] && acc[AW:0] <= room;
    wire [2:0]  wire_type = acc[2:0];
    wire        field_zero = ~|acc[31:3];
    wire        field_small = ~|acc[31:8];   // below 32: the known fields are
    wire [4:0]  key_field = acc[7:3];
    // Top-level fields 1..16 are the body members (messages); inside a body, the schema decides.
    wire [1:0]  key_type = !field_small ? T_NONE
                         : !in_body ? (key_field != 5'd0 && key_field <= 5'd16 ? T_BYTES : T_NONE)
                         : key_field[4:3] == 2'd0 ? host_field_type(kind, key_field[2:0]) : T_NONE;

    assign rd_addr = pos[AW-1:0];

    task fail;
        begin
            error <= 1'b1;
            done  <= 1'b1;
            state <= S_IDLE;
        end
    endtask

    task store(input [2:0] f, input [31:0] v);
        begin
            case (f)
                3'd1: f1 <= v;
                3'd2: f2 <= v;
                3'd3: f3 <= v;
                3'd4: f4 <= v;
                3'd5: f5 <= v;
                3'd6: f6 <= v;
                default: ;
            endcase
        end
    endtask

    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            error <= 1'b0;
            kind  <= 5'd0;
        end else begin
            case (state)
                S_IDLE:
                    if (start) begin
                        pos       <= 0;
                        msg_end   <= len;
                        in_body   <= 1'b0;
                        error     <= 1'b0;
                        kind      <= 5'd0;
                        {f1, f2, f3, f4, f5, f6} <= 192'd0;
                        bytes_off <= 0;
                        bytes_len <= 0;
                        state     <= S_FIELD;
                    end
                S_FIELD:  // at a field boundary
                    if (in_body && at_limit) in_body <= 1'b0;
                    else if (at_limit) begin
                        done  <= 1'b1;
                        state <= S_IDLE;
                    end else begin
                        purpose <= P_KEY;
                        acc     <= 32'd0;
                        nbytes  <= 4'd0;
                        state   <= S_READ;
                    end
                S_READ:  // rd_addr = pos; the byte arrives next cycle
                    if (at_limit) fail();
                    else state <= S_BYTE;
                S_BYTE: begin
                    pos    <= pos + 1'b1;
                    nbytes <= nbytes + 4'd1;
                    if (purpose == P_FIXED) begin
                        acc[{nbytes[1:0], 3'b000} +: 8] <= rd_data;
                        state <= nbytes == 4'd3 ? S_FIXED : S_READ;
                    end else begin
                        // Byte k holds bits 7k..7k+6; bits from 32 up are dropped (mod 2^32).
                        case (nbytes)
                            4'd0: acc[6:0]   <= rd_data[6:0];
                            4'd1: acc[13:7]  <= rd_data[6:0];
                            4'd2: acc[20:14] <= rd_data[6:0];
                            4'd3: acc[27:21] <= rd_data[6:0];
                            4'd4: acc[31:28] <= rd_data[3:0];
                            default: ;
                        endcase
                        if (!rd_data[7])
                            state <= purpose == P_KEY ? S_KEY : purpose == P_VALUE ? S_VALUE : S_LENGTH;
                        else if (nbytes == 4'd9) fail();   // an 11th byte would follow
                        else state <= S_READ;
                    end
                end
                S_KEY: begin
                    field  <= key_field;
                    ftype <= key_type;
                    acc    <= 32'd0;
                    nbytes <= 4'd0;
                    if (field_zero) fail();
                    else case (wire_type)
                        3'd0: if (key_type == T_NONE || key_type == T_VARINT) begin
                                  purpose <= P_VALUE;
                                  state   <= S_READ;
                              end else fail();
                        3'd1: if (key_type == T_NONE) begin
                                  acc   <= 32'd8;   // skip a fixed64
                                  state <= S_LENGTH;
                              end else fail();
                        3'd2: if (key_type == T_NONE || key_type == T_BYTES) begin
                                  purpose <= P_LENGTH;
                                  state   <= S_READ;
                              end else fail();
                        3'd5: if (key_type == T_FIXED32) begin
                                  purpose <= P_FIXED;
                                  state   <= S_READ;
                              end else if (key_type == T_NONE) begin
                                  acc   <= 32'd4;   // skip a fixed32
                                  state <= S_LENGTH;
                              end else fail();
                        default: fail();
                    endcase
                end
                S_VALUE: begin
                    if (ftype == T_VARINT) store(field[2:0], acc);
                    state <= S_FIELD;
                end
                S_FIXED: begin
                    store(field[2:0], acc);
                    state <= S_FIELD;
                end
                default: begin  // S_LENGTH: acc bytes follow (a body, a bytes field, or a skip)
                    if (!fits) fail();
                    else begin
                        state <= S_FIELD;
                        if (ftype == T_BYTES && !in_body) begin   // enter the body
                            in_body  <= 1'b1;
                            body_end <= pos + acc[AW:0];
                            if (field != kind) begin
                                kind <= field;
                                {f1, f2, f3, f4, f5, f6} <= 192'd0;
                                bytes_off <= 0;
                                bytes_len <= 0;
                            end
                        end else begin
                            if (ftype == T_BYTES) begin
                                bytes_off <= pos[AW-1:0];
                                bytes_len <= acc[AW:0];
                            end
                            pos <= pos + acc[AW:0];
                        end
                    end
                end
            endcase
        end
    end
`ifdef FORMAL
    // Termination on any input: from a start, `done` comes within 4 cycles per payload byte
    // (the slowest field, an empty body, costs 8 cycles for its 2 bytes) plus 3, whatever the
    // bytes read (rd_data is free in every cycle, so any payload and any later rewrite of it),
    // and no byte past the payload (or the body being read) is ever read. Everything the
    // decoder uses is set at start or before its first use, so a run from the first start covers
    // every run: BMC deeper than the bound for the largest `len` is a proof for that size.
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    reg         f_busy = 1'b0;
    reg [AW+3:0] f_cycles;
    always @(posedge clk) begin
        if (done) f_busy <= 1'b0;       // a start in the cycle of done begins the next run
        if (state == S_IDLE && start) begin
            f_busy   <= 1'b1;
            f_cycles <= 0;
        end else if (f_busy) f_cycles <= f_cycles + 1'b1;
        if (rst) f_busy <= 1'b0;
    end
    always @(*) if (f_past_valid && !rst) begin
        assert(f_busy == (state != S_IDLE) || done);
        if (state != S_IDLE) begin
            assert({2'b00, f_cycles} <= {msg_end, 2'b00} + 3);
            assert(pos <= limit && limit <= msg_end);
        end
        if (state == S_BYTE) assert(pos < limit);   // the byte just read lies inside
    end
    always @(posedge clk) cover(f_past_valid && done && !error && kind == 4'd8 && msg_end == 2);
    always @(posedge clk) cover(f_past_valid && done && error && msg_end == 2);
`endif
endmodule

`default_nettype wire
