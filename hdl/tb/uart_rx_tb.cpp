// uart_rx bench: how far the host's bit period may stray from the receiver's at a given divider.
// For each mismatch from LO to HI percent in STEP steps, BYTES random bytes are sent back to back
// (the densest a host sends) with bit period divider * (1 + mismatch), starting at a random phase
// of the clock (the host's clock is not the device's); the line level at each clock edge is the
// bit under way at that moment. Prints one line per mismatch: `mismatch=PCT bytes=N errors=E`
// (E counts wrong, missing and framing-error bytes). test/uart-tb.test.ts builds and runs it.
//
//   Vuart_rx DIVIDER LO HI STEP BYTES SEED

#include <verilated.h>

#include "Vuart_rx.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: Vuart_rx DIVIDER LO HI STEP BYTES SEED\n");
        return 2;
    }
    const int divider = std::atoi(argv[1]);
    const double lo = std::atof(argv[2]), hi = std::atof(argv[3]), step = std::atof(argv[4]);
    const int bytes = std::atoi(argv[5]);
    std::mt19937_64 rng(std::strtoull(argv[6], nullptr, 10));
    auto ctx = std::make_unique<VerilatedContext>();
    auto rx = std::make_unique<Vuart_rx>(ctx.get());
    auto tick = [&]() {
        rx->clk = 0;
        rx->eval();
        rx->clk = 1;
        rx->eval();
    };
    for (double m = lo; m <= hi + 1e-9; m += step) {
        rx->clks_per_bit = static_cast<uint16_t>(divider);
        rx->rx = 1;
        rx->rst = 1;
        for (int i = 0; i < 4; i++) tick();
        rx->rst = 0;
        for (int i = 0; i < 4 * divider; i++) tick();
        std::vector<int> sent, got;
        int framing = 0;
        const double period = divider * (1 + m / 100);
        const double phase = std::uniform_real_distribution<double>(0, 1)(rng);
        std::vector<uint16_t> frames;
        for (int b = 0; b < bytes; b++) {
            int v = static_cast<int>(rng() & 0xff);
            sent.push_back(v);
            frames.push_back(static_cast<uint16_t>(0x200 | (v << 1)));
        }
        const double total = bytes * 10 * period;
        for (long n = 0; n < static_cast<long>(total + 4 * divider); n++) {
            double t = n + phase;
            long bit = static_cast<long>(std::floor(t / period));
            rx->rx = bit < static_cast<long>(bytes) * 10 ? (frames[bit / 10] >> (bit % 10)) & 1 : 1;
            tick();
            if (rx->out_valid) got.push_back(rx->out_data);
            if (rx->frame_error) framing++;
        }
        int errors = framing + std::abs(static_cast<int>(sent.size()) - static_cast<int>(got.size()));
        for (size_t i = 0; i < sent.size() && i < got.size(); i++) errors += sent[i] != got[i];
        std::printf("mismatch=%.2f bytes=%d errors=%d\n", m, bytes, errors);
    }
    rx->final();
    return 0;
}
