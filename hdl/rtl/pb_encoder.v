// Protobuf encoder for one DeviceMessage: the body member `src_kind` (a DeviceMessage field
// number) with the fields its source supplies.
// The source answers two ports while src_valid is high and until src_ready pulses:
//   fld_sel -> fld_val, sampled one cycle after fld_sel changes (a source may answer from a
//              registered RAM read): the value of field fld_sel of the body; for a bytes field
//              its length, for a packed repeated field its element count; 0 = absent;
//   item_sel -> item_val, one cycle later: byte item_sel of the bytes field (low 8 bits) or
//              element item_sel of the packed field; fld_sel names that field meanwhile, so a
//              body with a bytes and a packed field (HelloReply) can tell their items apart.
// The encoder walks fields 1..17 twice (16 and 17, HelloReply.min_divider and divider, have
// two-byte keys): first to size the body (whose length prefix comes
// first), then to send it. It reads each field value once, in the first walk, and keeps it in a
// small block RAM for the second, so a source may answer with live values (counters that keep
// counting); only the items of a bytes or packed field are read again and must stay put until
// src_ready. Zero scalars and empty bytes or packed fields are left out, as proto3 does. The
// payload leaves as a byte stream with out_last on its final byte. dev_field_type mirrors
// proto/link.proto.
`default_nettype none

module pb_encoder #(
    parameter integer IW = 10            // bits of an item index
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          src_valid,
    output wire          src_ready,      // high for one cycle when done with the source
    input  wire [3:0]    src_kind,
    output wire [4:0]    fld_sel,
    input  wire [31:0]   fld_val,
    output wire [IW-1:0] item_sel,
    input  wire [31:0]   item_val,
    output reg           out_valid,
    input  wire          out_ready,
    output reg  [7:0]    out_data,
    output wire          out_last,
    output wire          busy
);
    localparam integer LW = 11;          // bits of a payload length (payloads stay below 2 KiB)
    localparam [LW-1:0] ONE = 1, TWO = 2, FIVE = 5;
    localparam [2:0] T_NONE = 3'd0, T_VARINT = 3'd1, T_FIXED32 = 3'd2, T_BYTES = 3'd3,
                     T_PACKED = 3'd4;
    localparam [3:0] S_IDLE = 4'd0, S_FIELD = 4'd1, S_SIZE_RD = 4'd2, S_SIZE_ITEM = 4'd3,
                     S_HEADER = 4'd4, S_VARINT = 4'd5, S_FIXED = 4'd6, S_ITEM_RD = 4'd7,
                     S_ITEM = 4'd8, S_OUT = 4'd9, S_DONE = 4'd10,
                     S_FETCH = 4'd11, S_CAPTURE = 4'd12, S_NEXT = 4'd13, S_KEY2 = 4'd14;
    localparam [4:0] FLD_END = 5'd18;

    // Type of field `f` of DeviceMessage body `k` (see proto/link.proto).
    function [2:0] dev_field_type(input [3:0] k, input [4:0] f);
        begin
            dev_field_type = T_NONE;
            case (k)
                4'd1: if (f == 5'd3) dev_field_type = T_BYTES;                          // HelloReply
                      else if (f == 5'd15) dev_field_type = T_PACKED;
                      else if (f >= 5'd1 && f <= 5'd17) dev_field_type = T_VARINT;
                4'd2: if (f == 5'd1) dev_field_type = T_VARINT;                         // Echo
                      else if (f == 5'd2) dev_field_type = T_BYTES;
                4'd3: if (f >= 5'd1 && f <= 5'd10) dev_field_type = T_VARINT;          // Counters
                4'd4: if (f == 5'd1) dev_field_type = T_VARINT;                         // Ack
                4'd5: if (f == 5'd4) dev_field_type = T_FIXED32;                        // Solution
                      else if (f == 5'd10) dev_field_type = T_BYTES;
                      else if (f >= 5'd1 && f <= 5'd9) dev_field_type = T_VARINT;
                4'd6: if (f >= 5'd1 && f <= 5'd12) dev_field_type = T_VARINT;          // SearchStatus
                4'd8: if (f == 5'd5) dev_field_type = T_PACKED;                         // Verdict
                      else if (f == 5'd6) dev_field_type = T_FIXED32;
                      else if (f >= 5'd1 && f <= 5'd7) dev_field_type = T_VARINT;
                4'd15: if (f >= 5'd1 && f <= 5'd3) dev_field_type = T_VARINT;          // Error
                default: ;
            endcase
        end
    endfunction

    // Bytes of the varint encoding of a value (OR trees rather than comparators: no carry chains).
    function [2:0] varint_size(input [31:7] x);   // x: the value's bits above the first 7
        varint_size = |x[31:28] ? 3'd5 : |x[27:21] ? 3'd4 : |x[20:14] ? 3'd3 : |x[13:7] ? 3'd2 : 3'd1;
    endfunction

    // Bytes of the varint encoding of a length (lengths stay below 2^14).
    function [LW-1:0] length_size(input [LW-1:7] n);   // n: the length's bits above the first 7
        length_size = |n ? TWO : ONE;
    endfunction

    function [2:0] wire_type(input [2:0] t);
        wire_type = t == T_VARINT ? 3'd0 : t == T_FIXED32 ? 3'd5 : 3'd2;
    endfunction

    reg [3:0]    state, after_out, after_value, after_key;
    reg [3:0]    kind;
    reg          sending;        // second walk: emit
    reg [4:0]    fld;            // 1..17, FLD_END = end of the walk
    reg [2:0]    cur_type;       // type of the field being sent
    reg [LW-1:0] body_len;
    reg [LW-1:0] packed_len;     // bytes of the packed field's elements
    reg [LW-1:0] remaining;      // payload bytes still to send
    reg [31:0]   value;          // varint or fixed32 being sent
    reg [1:0]    fixed_left;
    reg [IW-1:0] item, items;

    // The value of field `fld`: registered in S_CAPTURE (which keeps the source's multiplexers out
    // of the sizing adders' timing path), or kept from the first walk.
    reg  [31:0] first;           // value read from the source (first walk)
    (* ram_block *)
    reg  [31:0] kept [0:31];     // the values of the first walk, for the second
    reg  [31:0] kept_q;
    wire [31:0] fval = sending ? kept_q : first;
    always @(posedge clk) begin
        kept_q <= kept[fld];
        if (state == S_CAPTURE && !sending) kept[fld] <= fld_val;
    end
    wire [2:0]  ftype = dev_field_type(kind, fld);
    wire        fld_end = fld == FLD_END;
    wire        skip  = fld_end || ftype == T_NONE || fval == 32'd0;
    wire [LW-1:0] ksize = fld[4] ? TWO : ONE;   // key bytes: fields from 16 on take two
    wire [LW-1:0] fsize = {{(LW-3){1'b0}}, varint_size(fval[31:7])};

    assign fld_sel  = fld;
    assign item_sel = item;
    assign out_last = remaining == ONE;
    assign busy     = state != S_IDLE;
    assign src_ready = state == S_DONE;

    // Send `b`, then continue in state `next`.
    task emit(input [7:0] b, input [3:0] next);
        begin
            out_valid <= 1'b1;
            out_data  <= b;
            after_out <= next;
            state     <= S_OUT;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            state     <= S_IDLE;
            out_valid <= 1'b0;
            remaining <= 0;
        end else begin
            case (state)
                S_IDLE:
                    if (src_valid) begin
                        kind     <= src_kind;
                        sending  <= 1'b0;
                        fld      <= 5'd1;
                        body_len <= 0;
                        state    <= S_FETCH;
                    end
                S_FETCH: state <= S_CAPTURE;   // fld_sel settles; the source answers
                S_CAPTURE: begin
                    first <= fld_val;   // second walk: kept_q arrives
                    state <= S_FIELD;
                end
                S_FIELD:  // fval is the value of field `fld`
                    if (fld_end) state <= sending ? S_DONE : S_HEADER;
                    else if (skip) begin
                        fld   <= fld + 5'd1;
                        state <= S_FETCH;
                    end else if (!sending) begin
                        if (ftype != T_PACKED) begin
                            fld   <= fld + 5'd1;
                            state <= S_FETCH;
                        end
                        case (ftype)
                            T_VARINT:  body_len <= body_len + ksize + fsize;
                            T_FIXED32: body_len <= body_len + ksize + FIVE - ONE;
                            T_BYTES:   body_len <= body_len + ksize + fsize + fval[LW-1:0];
                            default: begin   // T_PACKED: size the elements first
                                packed_len <= 0;
                                item       <= 0;
                                items      <= fval[IW-1:0];
                                state      <= S_SIZE_RD;
                            end
                        endcase
                    end else begin
                        cur_type   <= ftype;
                        item       <= 0;
                        items      <= fval[IW-1:0];
                        value      <= ftype == T_PACKED ? {{(32-LW){1'b0}}, packed_len} : fval;
                        fixed_left <= 2'd3;
                        after_value <= (ftype == T_BYTES || ftype == T_PACKED) ? S_ITEM_RD : S_NEXT;
                        after_key  <= ftype == T_FIXED32 ? S_FIXED : S_VARINT;
                        emit({fld[4], fld[3:0], wire_type(ftype)}, fld[4] ? S_KEY2 : ftype == T_FIXED32 ? S_FIXED : S_VARINT);
                    end
                S_SIZE_RD:
                    if (item == items) begin
                        body_len <= body_len + ksize + length_size(packed_len[LW-1:7]) + packed_len;
                        fld      <= fld + 5'd1;
                        state    <= S_FETCH;
                    end else state <= S_SIZE_ITEM;
                S_SIZE_ITEM: begin   // item_val is element `item`
                    packed_len <= packed_len + {{(LW-3){1'b0}}, varint_size(item_val[31:7])};
                    item       <= item + 1'b1;
                    state      <= S_SIZE_RD;
                end
                S_HEADER: begin
                    sending   <= 1'b1;
                    fld       <= 5'd1;
                    value     <= {{(32-LW){1'b0}}, body_len};
                    after_value <= S_FETCH;
                    remaining <= ONE + length_size(body_len[LW-1:7]) + body_len;
                    emit({1'b0, kind, 3'd2}, S_VARINT);
                end
                S_VARINT: begin
                    value <= value >> 7;
                    emit({|value[31:7], value[6:0]}, |value[31:7] ? S_VARINT : after_value);
                end
                S_FIXED: begin
                    value      <= value >> 8;
                    fixed_left <= fixed_left - 2'd1;
                    emit(value[7:0], fixed_left == 2'd0 ? after_value : S_FIXED);
                end
                S_KEY2: emit(8'h01, after_key);   // the second key byte of fields 16..31
                S_ITEM_RD: state <= item == items ? S_NEXT : S_ITEM;
                S_NEXT: begin        // the field is sent: on to the next
                    fld   <= fld + 5'd1;
                    state <= S_FETCH;
                end
                S_ITEM: begin        // item_val is element `item`
                    item <= item + 1'b1;
                    if (cur_type == T_BYTES) emit(item_val[7:0], S_ITEM_RD);
                    else begin
                        value <= item_val;
                        state <= S_VARINT;
                    end
                end
                S_OUT:
                    if (out_ready) begin
                        out_valid <= 1'b0;
                        remaining <= remaining - ONE;
                        state     <= after_out;
                    end
                default: state <= S_IDLE;  // S_DONE
            endcase
        end
    end
endmodule

`default_nettype wire
