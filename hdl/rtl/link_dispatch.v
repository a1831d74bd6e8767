// Link dispatcher: takes frame events from frame_rx in order, decodes good payloads with
// pb_decoder, answers the link-level requests itself and hands program and candidate requests to
// the constraint engine.
//   bad frame        -> Error (ERROR_CRC, or ERROR_FRAME with the reason as arg), seq 0
//   malformed        -> Error (ERROR_DECODE, seq as far as it was read)
//   no known body    -> Error (ERROR_UNKNOWN_MESSAGE, seq 0)
//   Hello            -> HelloReply (identity and capacities)
//   Echo             -> Echo (same seq and data, read back from the frame slot)
//   CountersRequest  -> Counters (the cycle count when the request was decoded)
//   Reset            -> a one-cycle eng_clear pulse, then Ack
//   SetBaud          -> Ack and a one-cycle baud_set pulse (link_baud switches once the Ack has
//                       left), or Error (ERROR_BAUD, arg min_divider) for a divider below
//                       min_divider or above 2^BAUD_DW - 1, or when min_divider is 0 (a fixed rate)
//   Candidate beyond the window -> Error (ERROR_WINDOW, arg WINDOW), seq of the candidate
//   ProgramBegin, ProgramChunk, ProgramEnd, Candidate -> the engine request port; the engine
//                       replies through its own reply port (see hdl/README.md)
//   SearchBegin .. SearchStatusRequest (9..15) -> the search request port (search_engine), the
//                       same fields and byte port; with SEARCH = 0, Error (ERROR_UNKNOWN_MESSAGE)
//                       with the request's seq, and HelloReply.search is empty
//   with VALIDATOR = 0 (a board without the constraint engine) ProgramBegin .. Candidate are
//                       answered the same way: Error (ERROR_UNKNOWN_MESSAGE), the request's seq
// A candidate is in flight from the moment the engine accepts it until its Verdict frame has
// left the transmitter: the engine reports the ones it holds (eng_inflight), and the verdicts
// encoded but not yet sent are counted here (verdict_encoded, verdict_sent). A Candidate that
// finds WINDOW in flight is refused without reaching the engine.
// A frame slot is released once its request has been answered or taken by the engine.
// It also keeps the link counters, including the 64-bit cycle count.
`default_nettype none

module link_dispatch #(
    parameter integer     MAX_PAYLOAD      = 512,          // a power of two
    parameter integer     CLOCK_HZ         = 12_000_000,
    parameter integer     BAUD             = 115_200,
    parameter integer     WINDOW           = 4,
    parameter integer     BUILD            = 1,
    parameter [8*16-1:0]  DEVICE_ID        = "hilsolve-sim", // ASCII, up to 16 characters
    parameter integer     SEARCH           = 0,             // 1: a search engine is attached
    parameter integer     VALIDATOR        = 1,             // 0: no constraint engine (program and candidate kinds refused)
    parameter integer     BAUD_DW          = 8              // bits of the bit-period register (SetBaud's largest: 2^BAUD_DW - 1)
) (
    input  wire          clk,
    input  wire          rst,
    // From frame_rx.
    input  wire          ev_valid,
    output wire          ev_ready,
    input  wire [1:0]    ev_status,
    input  wire [2:0]    ev_reason,
    input  wire          ev_slot,
    input  wire [AW:0]   ev_len,
    output wire          release_valid,
    output wire          release_slot,
    output reg  [AW:0]   rd_addr,
    input  wire [7:0]    rd_data,
    input  wire          good_frame,
    input  wire          crc_error,
    input  wire          frame_error,
    input  wire          frame_sent,
    input  wire          verdict_encoded,  // a Verdict went into the transmit buffer
    input  wire          verdict_sent,     // a Verdict frame has been sent
    // Reply source for the encoder.
    output wire          rep_valid,
    input  wire          rep_ready,
    output reg  [3:0]    rep_kind,
    input  wire [3:0]    rep_fld,
    input  wire          rep_fld_hi,       // rep_fld + 16 (HelloReply.min_divider, divider)
    output reg  [31:0]   rep_val,
    input  wire [AW-1:0] rep_item,
    output wire [31:0]   rep_item_val,
    // Engine request port.
    output wire          eng_req_valid,
    input  wire          eng_req_ready,
    output wire [3:0]    eng_req_kind,
    output wire [31:0]   eng_req_f1,
    output wire [31:0]   eng_req_f2,
    output wire [31:0]   eng_req_f3,
    output wire [31:0]   eng_req_f4,
    output wire [31:0]   eng_req_f5,
    output wire [31:0]   eng_req_f6,
    output wire [AW:0]   eng_req_len,
    input  wire [AW-1:0] eng_req_addr,
    // Search request port (kinds 9..15): the fields above, its own valid/ready and byte address.
    output wire          srch_req_valid,
    input  wire          srch_req_ready,
    input  wire [AW-1:0] srch_req_addr,
    // Search capacities for HelloReply.search: [chains, max_vars, max_values, max_clauses, max_literals].
    input  wire [31:0]   srch_chains,
    input  wire [31:0]   srch_max_vars,
    input  wire [31:0]   srch_max_values,
    input  wire [31:0]   srch_max_clauses,
    input  wire [31:0]   srch_max_literals,
    input  wire          srch_booleans_only,
    output reg           eng_clear,
    // Link bit rate (link_baud): an accepted SetBaud, and the smallest divider allowed (0: none).
    output reg           baud_set,
    output wire [15:0]   baud_divider,
    input  wire [15:0]   min_divider,
    input  wire [15:0]   divider,          // the bit period in use (HelloReply.divider)
    input  wire [31:0]   eng_max_vars,
    input  wire [31:0]   eng_max_domain,
    input  wire [31:0]   eng_max_words,
    input  wire [31:0]   eng_max_constraints,
    input  wire [31:0]   eng_max_violations,
    input  wire [31:0]   eng_engines,
    input  wire [31:0]   eng_candidates,
    input  wire [31:0]   eng_busy_cycles,
    input  wire [7:0]    eng_inflight,
    output wire          busy
);
    localparam integer AW = $clog2(MAX_PAYLOAD);
    localparam [31:0] PROTOCOL_VERSION = 32'd3;
    localparam [1:0] STATUS_OK = 2'd0, STATUS_CRC = 2'd1;
    localparam [3:0] KIND_HELLO = 4'd1, KIND_ECHO = 4'd2, KIND_COUNTERS = 4'd3, KIND_RESET = 4'd4,
                     KIND_ACK = 4'd4, KIND_CANDIDATE = 4'd8, KIND_SEARCH_FIRST = 4'd9,
                     KIND_ERROR = 4'd15;
    localparam [4:0] KIND_SET_BAUD = 5'd16;
    localparam [4:0] ERROR_CRC = 5'd1, ERROR_FRAME = 5'd2, ERROR_DECODE = 5'd3,
                     ERROR_UNKNOWN_MESSAGE = 5'd4, ERROR_WINDOW = 5'd14, ERROR_BAUD = 5'd19;
    localparam [31:0] WINDOW32 = WINDOW;
    localparam [1:0] D_IDLE = 2'd0, D_DECODE = 2'd1, D_REPLY = 2'd2, D_ENGINE = 2'd3;

    function integer string_length(input [8*16-1:0] s);
        integer k;
        begin
            string_length = 0;
            for (k = 0; k < 16; k = k + 1)
                if (s[8*k +: 8] != 8'd0) string_length = k + 1;
        end
    endfunction
    localparam integer ID_LEN = string_length(DEVICE_ID);

    reg [1:0]  state;
    reg        slot;
    reg        holding;     // the current request occupies `slot`
    reg        seq_read;    // the reply echoes the decoded seq (eng_req_f1, held by the decoder)
    reg [4:0]  code;        // Error fields of a link-level error
    reg [2:0]  arg;

    // Candidates in flight: held by the engine, or answered by a Verdict still in the transmit
    // buffer (which holds two frames).
    reg  [1:0] tx_verdicts;
    wire [8:0] in_flight = {1'b0, eng_inflight} + {7'd0, tx_verdicts};
    wire       window_full = {23'd0, in_flight} >= WINDOW32;

    // Link counters. The encoder reads each reply field once, so a Counters reply reads them
    // live; the cycle count is copied when the request is decoded, so its halves agree.
    reg  [63:0] cycles, cycles_at_request;
    wire [31:0] counter;
    wire        counters_busy;
    wire        decode_error = state == D_DECODE && dec_done && (dec_error || dec_kind == 5'd0);
    wire [2:0]  counter_index = rep_fld[2:0] - 3'd2;   // Counters fields 2..6, in inc order
    link_counters #(.N(5)) counters (
        .clk(clk), .rst(rst),
        .inc({decode_error, frame_error, crc_error, frame_sent, good_frame}),
        .rd_index(counter_index), .rd_value(counter), .busy(counters_busy));

    wire          dec_start = state == D_IDLE && ev_valid && ev_status == STATUS_OK;
    wire          dec_done, dec_error;
    wire [4:0]    dec_kind;
    wire [AW-1:0] dec_addr, bytes_off;
    wire [AW:0]   bytes_len;
    pb_decoder #(.MAX_PAYLOAD(MAX_PAYLOAD)) decoder (
        .clk(clk), .rst(rst), .start(dec_start), .len(ev_len), .done(dec_done),
        .rd_addr(dec_addr), .rd_data(rd_data), .error(dec_error), .kind(dec_kind),
        .f1(eng_req_f1), .f2(eng_req_f2), .f3(eng_req_f3), .f4(eng_req_f4), .f5(eng_req_f5),
        .f6(eng_req_f6),
        .bytes_off(bytes_off), .bytes_len(bytes_len));

    assign ev_ready      = state == D_IDLE;
    assign rep_valid     = state == D_REPLY;
    // Kinds 9..15 go to the search engine (only reached with SEARCH = 1).
    wire   to_search     = dec_kind >= {1'b0, KIND_SEARCH_FIRST};   // never SetBaud: answered here
    assign eng_req_valid = state == D_ENGINE && !to_search;
    assign srch_req_valid = state == D_ENGINE && to_search;
    wire   req_taken     = to_search ? srch_req_ready : eng_req_ready;
    assign eng_req_kind  = dec_kind[3:0];
    assign baud_divider  = eng_req_f2[15:0];
    wire   baud_ok       = min_divider != 16'd0 && ~|eng_req_f2[31:BAUD_DW] && eng_req_f2[15:0] >= min_divider;
    assign eng_req_len   = bytes_len;
    assign release_slot  = slot;
    assign release_valid = holding && ((state == D_REPLY && rep_ready) ||
                                       (state == D_ENGINE && req_taken));
    assign busy          = state != D_IDLE || counters_busy;

    // Frame slot reads: the decoder, then the engine or the Echo reply (bytes field relative).
    wire [AW-1:0] field_index = state != D_ENGINE ? rep_item : to_search ? srch_req_addr : eng_req_addr;
    wire [AW-1:0] field_addr  = bytes_off + field_index;
    always @* rd_addr = {slot, state == D_DECODE ? dec_addr : field_addr};

    // DEVICE_ID holds its first character in its highest non-zero byte.
    localparam [31:0] ID_LAST32 = ID_LEN - 1;
    localparam [3:0]  ID_LAST = ID_LAST32[3:0];
    wire [3:0]        id_pos = ID_LAST - rep_item[3:0];   // items 0..ID_LEN-1 are read
    reg  [7:0]        id_byte;
    always @(posedge clk) id_byte <= DEVICE_ID[{id_pos, 3'b000} +: 8];
    // HelloReply.search (field 15, packed): the encoder names the field whose items it reads.
    localparam [31:0] SEARCH_ITEMS = SEARCH != 0 ? 32'd6 : 32'd0;
    reg  [31:0]       search_item;
    always @(posedge clk)
        case (rep_item[2:0])
            3'd0:    search_item <= srch_chains;
            3'd1:    search_item <= srch_max_vars;
            3'd2:    search_item <= srch_max_values;
            3'd3:    search_item <= srch_max_clauses;
            3'd4:    search_item <= srch_max_literals;
            default: search_item <= {31'd0, srch_booleans_only};
        endcase
    assign rep_item_val = rep_kind == KIND_ECHO ? {24'd0, rd_data}
                        : rep_fld == 4'd15 ? search_item : {24'd0, id_byte};

    always @* begin
        rep_val = 32'd0;
        if (rep_fld_hi) rep_val = rep_kind != KIND_HELLO ? 32'd0
                                : rep_fld == 4'd0 ? {16'd0, min_divider} : rep_fld == 4'd1 ? {16'd0, divider} : 32'd0;
        else if (rep_fld == 4'd1) rep_val = seq_read ? eng_req_f1 : 32'd0;
        else case (rep_kind)
            KIND_HELLO: case (rep_fld)
                4'd2:  rep_val = PROTOCOL_VERSION;
                4'd3:  rep_val = ID_LEN;
                4'd4:  rep_val = BUILD;
                4'd5:  rep_val = MAX_PAYLOAD;
                4'd6:  rep_val = WINDOW;
                4'd7:  rep_val = CLOCK_HZ;
                4'd8:  rep_val = BAUD;
                4'd9:  rep_val = eng_max_vars;
                4'd10: rep_val = eng_max_domain;
                4'd11: rep_val = eng_max_words;
                4'd12: rep_val = eng_max_constraints;
                4'd13: rep_val = eng_max_violations;
                4'd14: rep_val = eng_engines;
                4'd15: rep_val = SEARCH_ITEMS;
                default: ;
            endcase
            KIND_ECHO:     if (rep_fld == 4'd2) rep_val = {{(31-AW){1'b0}}, bytes_len};
            KIND_COUNTERS: case (rep_fld)
                4'd2, 4'd3, 4'd4, 4'd5, 4'd6: rep_val = counter;
                4'd7:  rep_val = cycles_at_request[31:0];
                4'd8:  rep_val = cycles_at_request[63:32];
                4'd9:  rep_val = eng_candidates;
                4'd10: rep_val = eng_busy_cycles;
                default: ;
            endcase
            KIND_ERROR:    if (rep_fld == 4'd2) rep_val = {27'd0, code};
                           else if (rep_fld == 4'd3) rep_val = code == ERROR_WINDOW ? WINDOW32
                                                             : code == ERROR_BAUD ? {16'd0, min_divider} : {29'd0, arg};
            default: ;
        endcase
    end

    task reply(input [3:0] kind, input with_seq, input [4:0] c, input [2:0] a);
        begin
            rep_kind <= kind;
            seq_read <= with_seq;
            code     <= c;
            arg      <= a;
            state    <= D_REPLY;
        end
    endtask

    always @(posedge clk) begin
        eng_clear <= 1'b0;
        baud_set  <= 1'b0;
        cycles    <= cycles + 64'd1;
        tx_verdicts <= tx_verdicts + {1'b0, verdict_encoded} - {1'b0, verdict_sent};
        if (rst) begin
            state         <= D_IDLE;
            holding       <= 1'b0;
            cycles        <= 64'd0;
            tx_verdicts   <= 2'd0;
        end else begin
            case (state)
                D_IDLE:
                    if (ev_valid) begin
                        slot <= ev_slot;
                        if (ev_status == STATUS_OK) begin
                            holding <= 1'b1;
                            state   <= D_DECODE;
                        end else if (ev_status == STATUS_CRC) reply(KIND_ERROR, 1'b0, ERROR_CRC, 3'd0);
                        else reply(KIND_ERROR, 1'b0, ERROR_FRAME, ev_reason);
                    end
                D_DECODE:
                    if (dec_done) begin
                        if (dec_error) reply(KIND_ERROR, 1'b1, ERROR_DECODE, 3'd0);
                        else case (dec_kind)
                            5'd0:          reply(KIND_ERROR, 1'b0, ERROR_UNKNOWN_MESSAGE, 3'd0);
                            {1'b0, KIND_HELLO}:    reply(KIND_HELLO, 1'b1, 5'd0, 3'd0);
                            {1'b0, KIND_ECHO}:     reply(KIND_ECHO, 1'b1, 5'd0, 3'd0);
                            {1'b0, KIND_COUNTERS}: begin
                                reply(KIND_COUNTERS, 1'b1, 5'd0, 3'd0);
                                cycles_at_request <= cycles;
                            end
                            {1'b0, KIND_RESET}: begin
                                eng_clear <= 1'b1;
                                reply(KIND_ACK, 1'b1, 5'd0, 3'd0);
                            end
                            KIND_SET_BAUD:
                                if (baud_ok) begin
                                    baud_set <= 1'b1;
                                    reply(KIND_ACK, 1'b1, 5'd0, 3'd0);
                                end else reply(KIND_ERROR, 1'b1, ERROR_BAUD, 3'd0);
                            {1'b0, KIND_CANDIDATE}:
                                if (VALIDATOR == 0) reply(KIND_ERROR, 1'b1, ERROR_UNKNOWN_MESSAGE, 3'd0);
                                else if (window_full) reply(KIND_ERROR, 1'b1, ERROR_WINDOW, 3'd0);
                                else state <= D_ENGINE;
                            default:
                                if ((SEARCH == 0 && dec_kind >= {1'b0, KIND_SEARCH_FIRST})
                                    || (VALIDATOR == 0 && dec_kind < {1'b0, KIND_SEARCH_FIRST}))
                                    reply(KIND_ERROR, 1'b1, ERROR_UNKNOWN_MESSAGE, 3'd0);
                                else state <= D_ENGINE;
                        endcase
                    end
                D_REPLY:
                    if (rep_ready) begin
                        holding <= 1'b0;
                        state   <= D_IDLE;
                    end
                default:  // D_ENGINE
                    if (req_taken) begin
                        holding <= 1'b0;
                        state   <= D_IDLE;
                    end
            endcase
        end
    end
`ifdef FORMAL
    // The window. The engine's promise, assumed: it reports exactly the candidates it accepted
    // and has not answered (eng_inflight; a Reset drops them), encodes a verdict only for one it
    // holds, and the transmit buffer holds at most two Verdict frames, each sent after it was
    // encoded. Then candidates in flight (held, or answered but not yet sent) never exceed
    // WINDOW, whatever the frames, their contents (rd_data is free) and the stalls.
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    reg  [7:0] f_held;
    reg  [1:0] f_tx;
    wire       f_accept = eng_req_valid && eng_req_ready && eng_req_kind == KIND_CANDIDATE;
    always @(posedge clk) begin
        f_held <= f_held + {7'd0, f_accept} - {7'd0, verdict_encoded};
        f_tx   <= f_tx + {1'b0, verdict_encoded} - {1'b0, verdict_sent};
        if (eng_clear) f_held <= 8'd0;
        if (rst) begin
            f_held <= 8'd0;
            f_tx   <= 2'd0;
        end
    end
    always @(*) begin
        assume(eng_inflight == f_held);
        if (verdict_encoded) assume(f_held != 8'd0 && !eng_clear);
        if (verdict_sent) assume(f_tx != 2'd0);
        if (f_tx == 2'd2 && !verdict_sent) assume(!verdict_encoded);
        if (f_past_valid && !rst) begin
            assert({1'b0, f_held} + {7'd0, f_tx} <= WINDOW32[8:0]);
            assert(tx_verdicts == f_tx);
        end
    end
    always @(posedge clk) cover(f_past_valid && !rst && f_accept && f_held == 8'd1);
`endif
endmodule

`default_nettype wire
