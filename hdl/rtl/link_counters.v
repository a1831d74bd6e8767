// The link's event counters (frames received and sent, CRC, frame and decode errors), 32 bits
// each, in a block RAM instead of logic cells: one shared incrementer updates them one at a time
// from a pending bit per counter, and a separate read port serves replies.
// Events of one kind come at most once per received or sent frame, hundreds of cycles apart; a
// pending bit is served within 2 * N cycles, so none is lost. After reset the counters are
// cleared one per cycle; events meanwhile wait in their pending bits.
`default_nettype none

module link_counters #(
    parameter integer N = 5                 // counters, at most 8
) (
    input  wire         clk,
    input  wire         rst,
    input  wire [N-1:0] inc,                // one-cycle event pulses, bit i for counter i
    input  wire [2:0]   rd_index,
    output reg  [31:0]  rd_value,           // counter rd_index, one cycle later
    output wire         busy                // updates outstanding
);
    localparam [31:0] LAST32 = N - 1;
    localparam [3:0]  LAST = LAST32[3:0];

    (* ram_block *)
    reg [31:0] mem [0:7];
    reg [N-1:0] pending;
    reg [3:0]   clearing;       // next counter to clear after reset; N when done
    reg         update;         // counter `target` is being read; written next cycle
    reg [2:0]   target;
    reg [31:0]  current;

    // Lowest pending counter.
    reg [2:0] next;
    integer k;
    always @* begin
        next = 3'd0;
        for (k = N - 1; k >= 0; k = k - 1)
            if (pending[k]) next = k[2:0];
    end

    wire cleared = clearing > LAST;
    wire start   = cleared && !update && pending != 0;
    assign busy  = !cleared || update || pending != 0;

    always @(posedge clk) begin
        rd_value <= mem[rd_index];
        current  <= mem[next];
        if (!cleared) mem[clearing[2:0]] <= 32'd0;
        else if (update) mem[target] <= current + 32'd1;
    end

    always @(posedge clk) begin
        if (rst) begin
            pending  <= 0;
            clearing <= 4'd0;
            update   <= 1'b0;
        end else begin
            if (!cleared) clearing <= clearing + 4'd1;
            update  <= start;
            target  <= next;
            pending <= (pending & ~(start ? ({{(N-1){1'b0}}, 1'b1} << next) : {N{1'b0}})) | inc;
        end
    end
endmodule

`default_nettype wire
