// Board top for the iCEBreaker (iCE40 UP5K): 12 MHz oscillator, UART through the FTDI chip at
// 115200 baud (12 MHz / 104 = 115385 baud, 0.16 % off) after reset; SetBaud may raise it to
// 3 Mbaud (divider 4, hilsolve_top's MIN_DIVIDER). A power-on reset holds the design for
// 64 cycles after configuration (iCE40 block RAM reads return 0 for about the first 36); the
// green LED shows `busy`.
`default_nettype none

module hilsolve_icebreaker #(
    // SEARCH = 0: the validator board (today's validator sizes, no device search). SEARCH = 1: the
    // search-only board (hdl/README.md, "Device search on the board"): no validator, search_lite
    // (one chain, booleans only) at the capacities below; `bash hdl/synth/synth.sh` with SEARCH=1.
    parameter integer SEARCH              = 0,
    parameter integer SEARCH_MAX_VARS     = 512,    // at least MAX_PAYLOAD (the Solution buffer)
    parameter integer SEARCH_MAX_VALUES   = 1024,   // 2 per variable
    parameter integer SEARCH_MAX_CLAUSES  = 2048,
    parameter integer SEARCH_MAX_LITERALS = 8192
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    output wire LEDG_N
);
    reg [6:0] por = 7'd0;   // counts up after configuration; the design runs from 64 on
    always @(posedge CLK) if (!por[6]) por <= por + 7'd1;

    wire busy;
    // The byte link is the simulator's; the board talks through the UART only.
    /* verilator lint_off UNUSEDSIGNAL */
    wire       byte_in_ready, byte_out_valid;
    wire [7:0] byte_out_data;
    wire [15:0] line_divider;   // the simulator's line model reads it
    /* verilator lint_on UNUSEDSIGNAL */
    // Today's validator sizes (the UP5K's SPRAM holds 16K words).
    hilsolve_top #(
        .CLOCK_HZ(12_000_000), .CLKS_PER_BIT(104), .DEVICE_ID("hilsolve-up5k"),
        .V_MAX_VARS(1024), .V_MAX_WORDS(16384), .V_MAX_CONSTRAINTS(16384),
        .SEARCH(SEARCH), .VALIDATOR(SEARCH != 0 ? 0 : 1), .SEARCH_CORE(1),
        .SEARCH_MAX_VARS(SEARCH_MAX_VARS), .SEARCH_MAX_VALUES(SEARCH_MAX_VALUES),
        .SEARCH_MAX_CLAUSES(SEARCH_MAX_CLAUSES), .SEARCH_MAX_LITERALS(SEARCH_MAX_LITERALS)
    ) top (
        .clk(CLK), .rst(!por[6]), .uart_rx(RX), .uart_tx(TX),
        .byte_link(1'b0), .byte_in_valid(1'b0), .byte_in_ready(byte_in_ready), .byte_in_data(8'd0),
        .byte_out_valid(byte_out_valid), .byte_out_ready(1'b0), .byte_out_data(byte_out_data),
        .line_divider(line_divider), .busy(busy));

    assign LEDG_N = !busy;
endmodule

`default_nettype wire
