// uart_tx bench: random bytes at random bit periods (2 to 40 cycles, now and then up to 65535),
// the period changed at random moments (also mid-character: the character keeps its own),
// offered with random gaps and held until in_ready. Checked against the 8N1 waveform: after a
// byte is taken the line is low (start bit) for exactly one period, then the data bits LSB first
// and a high stop bit, one period each, idle high between characters; in_ready (and !busy) is
// low for exactly the character's 10 periods and high otherwise.
//   Vuart_tx BYTES SEED [COVERAGE_FILE]
#include "Vuart_tx.h"
#include "link_tb.h"

#include <memory>

using namespace tb;

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "uart_tx", "BYTES");
    const long bytes = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vuart_tx>(ctx.get());
    auto tick = [&] { bench::tick(*dut); };
    auto period = [&]() -> uint16_t {
        return static_cast<uint16_t>(r.chance(2) ? 2 + r.below(65534) : 2 + r.below(39));
    };
    dut->rst = 1;
    dut->in_valid = 0;
    dut->clks_per_bit = period();
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    long sent = 0, cycles = 0;
    uint16_t frame = 0x3ff;      // {stop, data, start} of the character on the line
    long left = 0;               // cycles of the character still to come
    unsigned p = 0;              // its period
    bool offering = false;
    uint8_t data = 0;
    Stall gap;
    while (sent < bytes || left > 0) {
        if (!offering && sent < bytes && gap(r)) {
            offering = true;
            data = r.byte();
        }
        if (r.chance(3)) dut->clks_per_bit = period();
        dut->in_valid = offering;
        dut->in_data = offering ? data : r.byte();
        dut->eval();
        if (left > 0) {
            const long k = 10L * p - left;   // cycles into the character
            const unsigned want = (frame >> (k / p)) & 1;
            TB_CHECK(dut->tx == want, "byte %ld, cycle %ld of %u-cycle bits: tx=%d, want %u", sent, k, p, dut->tx, want);
            TB_CHECK(!dut->in_ready && dut->busy, "byte %ld: in_ready or !busy inside the character", sent);
            left--;
        } else {
            TB_CHECK(dut->tx == 1 && dut->in_ready && !dut->busy, "idle: tx=%d in_ready=%d busy=%d", dut->tx, dut->in_ready,
                     dut->busy);
            if (offering) {
                frame = static_cast<uint16_t>(0x200 | data << 1);
                p = dut->clks_per_bit;
                left = 10L * p;
                offering = false;
                sent++;
            }
        }
        tick();
        cycles++;
    }
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS uart_tx bytes=%ld cycles=%ld\n", sent, cycles);
    return 0;
}
