// uart_rx bench, two modes.
//
// Tolerance sweep: how far the host's bit period may stray from the receiver's at a given divider.
// For each mismatch from LO to HI percent in STEP steps, BYTES random bytes are sent back to back
// (the densest a host sends) with bit period divider * (1 + mismatch), starting at a random phase
// of the clock (the host's clock is not the device's); the line level at each clock edge is the
// bit under way at that moment. Prints one line per mismatch: `mismatch=PCT bytes=N errors=E`
// (E counts wrong, missing and framing-error bytes). test/uart-tb.test.ts builds and runs it.
//
//   Vuart_rx DIVIDER LO HI STEP BYTES SEED
//
// Block bench (as the other link blocks, test/hdl-link-blocks.test.ts): COUNT line events, each
// at its own bit period (4 to 40 cycles, now and then up to 65,535) and a host period up to
// 2.5 % off it, at a random clock phase: bytes (back to back or after a gap), bytes with a low
// stop bit, breaks (the line held low for 10 to 20 bit times) and glitches on the idle line (at
// most (clks_per_bit - 2) / 2 cycles low). `clks_per_bit` takes random values while a character
// is under way (the receiver latched the period at the start bit). Checked: every byte comes
// out once, in order, between the host's stop bit and a bit time after it; a low stop bit or a
// break gives exactly one frame_error and no byte; a glitch gives nothing; busy is low at the
// end. The last line is `PASS uart_rx ...` or `FAIL uart_rx ...`.
//
//   Vuart_rx COUNT SEED [COVERAGE_FILE]

#include "Vuart_rx.h"
#include "link_tb.h"

#include <cmath>
#include <memory>

using namespace tb;

namespace {

int sweep(int argc, char** argv) {
    const int divider = std::atoi(argv[1]);
    const double lo = std::atof(argv[2]), hi = std::atof(argv[3]), step = std::atof(argv[4]);
    const int bytes = std::atoi(argv[5]);
    std::mt19937_64 rng(std::strtoull(argv[6], nullptr, 10));
    (void)argc;
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

/** One thing on the line, from host time `start` (receiver cycles) on. */
struct Event {
    enum Kind { BYTE, BAD_STOP, BREAK, GLITCH } kind;
    double start;
    unsigned divider;   // clks_per_bit while it arrives
    uint8_t data;
    double earliest, deadline;   // when the receiver's output is due (BYTE, BAD_STOP, BREAK)
};

struct Level {
    double at;
    int level;
};

int block(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "uart_rx", "COUNT");
    Rng r(args.seed);
    std::vector<Event> events;
    std::vector<Level> line;   // level changes in host time
    double t = 0;
    auto bits = [&](uint16_t frame, double period) {
        for (int i = 0; i < 10; i++) line.push_back({t + i * period, (frame >> i) & 1});
    };
    long counts[4] = {};
    Event::Kind prev = Event::GLITCH;
    for (long i = 0; i < args.count; i++) {
        unsigned d = r.chance(3) ? [&] {
            const unsigned b = 3 + r.below(14);   // bit length 3..16
            return (1u << (b - 1)) | r.below(1u << (b - 1));
        }() : 4 + r.below(37);
        const unsigned k = r.below(100);
        const Event::Kind kind = k < 82 ? Event::BYTE : k < 88 ? Event::BAD_STOP : k < 94 ? Event::BREAK : Event::GLITCH;
        // A byte may follow a byte back to back; anything else meets an idle, armed receiver.
        const bool tight = kind == Event::BYTE && prev == Event::BYTE && r.chance(50);
        t += tight ? 0 : 2.0 * std::max(d, events.empty() ? 0u : events.back().divider) + 4 + r.below(3 * d);
        const double period = d * (1 + (static_cast<double>(r.below(5001)) - 2500) / 100000);
        Event e{kind, t, d, r.byte(), 0, 0};
        switch (kind) {
        case Event::BYTE:
            bits(static_cast<uint16_t>(0x200 | e.data << 1), period);
            t += 10 * period;
            break;
        case Event::BAD_STOP:
            bits(static_cast<uint16_t>(e.data << 1), period);
            t += 10 * period;
            line.push_back({t, 1});
            break;
        case Event::BREAK:
            line.push_back({t, 0});
            t += (10 + r.below(11)) * period + 4 + r.below(d);
            line.push_back({t, 1});
            break;
        case Event::GLITCH:
            line.push_back({t, 0});
            t += 1 + r.below(std::max(1u, (d - 2) / 2));
            line.push_back({t, 1});
            break;
        }
        e.earliest = e.start + 9 * d;
        e.deadline = e.start + 10 * d + 6;
        events.push_back(e);
        counts[kind]++;
        prev = kind;
    }
    const double end = t + 4.0 * events.back().divider + 8;
    const double phase = std::uniform_real_distribution<double>(0, 1)(r.gen);

    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vuart_rx>(ctx.get());
    dut->rx = 1;
    dut->rst = 1;
    dut->clks_per_bit = static_cast<uint16_t>(events.front().divider);
    dut->clk = 0;
    for (int i = 0; i < 4; i++) bench::tick(*dut);
    dut->rst = 0;
    size_t li = 0;        // next level change
    size_t ei = 0;        // next event to arrive on the line
    size_t due = 0;       // next event whose output is awaited
    long cycles = 0;
    bool scrambled = true;   // clks_per_bit changed since the event's start
    auto skip_glitches = [&] {
        while (due < events.size() && events[due].kind == Event::GLITCH && due < ei) due++;
    };
    for (long n = 0; n + phase < end; n++) {
        const double now = n + phase;
        while (li < line.size() && line[li].at <= now) dut->rx = static_cast<uint8_t>(line[li++].level);
        if (ei < events.size() && events[ei].start <= now) {
            dut->clks_per_bit = static_cast<uint16_t>(events[ei].divider);
            scrambled = false;
            ei++;
        } else if (!scrambled && ei > 0 && now >= events[ei - 1].start + 2 * events[ei - 1].divider + 4 &&
                   events[ei - 1].kind != Event::GLITCH && r.chance(20)) {
            dut->clks_per_bit = static_cast<uint16_t>(r.next());
            scrambled = true;
        }
        bench::tick(*dut);
        cycles++;
        skip_glitches();
        TB_CHECK(!(dut->out_valid && dut->frame_error), "cycle %ld: out_valid and frame_error together", n);
        if (dut->out_valid || dut->frame_error) {
            TB_CHECK(due < events.size() && due < ei, "cycle %ld: output with no event on the line", n);
            const Event& e = events[due];
            TB_CHECK(now >= e.earliest, "event %zu (kind %d, divider %u): output at %.1f, before %.1f", due, e.kind,
                     e.divider, now, e.earliest);
            if (e.kind == Event::BYTE) {
                TB_CHECK(dut->out_valid && dut->out_data == e.data, "event %zu (byte, divider %u): out_valid=%d data %02x, want %02x",
                         due, e.divider, dut->out_valid, dut->out_data, e.data);
            } else {
                TB_CHECK(dut->frame_error, "event %zu (kind %d, divider %u): a byte %02x, want a frame error", due, e.kind,
                         e.divider, dut->out_data);
            }
            due++;
            skip_glitches();
        }
        TB_CHECK(due >= events.size() || due >= ei || events[due].kind == Event::GLITCH || now <= events[due].deadline,
                 "event %zu (kind %d, divider %u, started %.1f): no output by %.1f", due, events[due].kind,
                 events[due].divider, events[due].start, events[due].deadline);
    }
    skip_glitches();
    TB_CHECK(due == events.size(), "%zu events of %zu had their output", due, events.size());
    TB_CHECK(!dut->busy, "busy at the end");
    write_coverage(ctx.get(), args.coverage);
    dut->final();
    std::printf("PASS uart_rx bytes=%ld bad_stops=%ld breaks=%ld glitches=%ld cycles=%ld\n", counts[0], counts[1],
                counts[2], counts[3], cycles);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 7) return sweep(argc, argv);
    if (argc == 3 || argc == 4) return block(argc, argv);
    std::fprintf(stderr, "usage: Vuart_rx DIVIDER LO HI STEP BYTES SEED (tolerance sweep)\n"
                         "       Vuart_rx COUNT SEED [COVERAGE_FILE] (block bench)\n");
    return 2;
}
