// cobs_encoder bench: random frames of 0..1023 bytes (zeros from none to dense, long runs
// without a zero so full 254-byte blocks occur, at the end of a frame too) in a buffer read
// with one cycle of latency, random stalls on out_ready. Each frame's output must equal
// src/link/cobs.ts's encoding (tb::cobs_encode) followed by 0x00, fr_done must pulse with the
// delimiter's handshake, and out_data must hold still while out_valid waits for out_ready.
//   Vcobs_encoder FRAMES SEED [COVERAGE_FILE]
#include "Vcobs_encoder.h"
#include "link_tb.h"

#include <memory>

using namespace tb;

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "cobs_encoder", "FRAMES");
    const long frames = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vcobs_encoder>(ctx.get());
    Bytes mem(1024);
    auto tick = [&] {
        const unsigned addr = dut->rd_addr;
        dut->clk = 1;
        dut->eval();
        dut->rd_data = mem[addr & 1023];
        dut->clk = 0;
        dut->eval();
    };
    dut->rst = 1;
    dut->fr_valid = 0;
    dut->out_ready = 0;
    tick();
    tick();
    dut->rst = 0;
    Stall ready;
    long bytes_out = 0, full_blocks = 0;
    for (long f = 0; f < frames; f++) {
        const unsigned pick = r.below(100);
        const size_t n = pick < 5 ? 0 : pick < 15 ? 240 + r.below(784) : pick < 25 ? 254 * (1 + r.below(4)) : r.below(60);
        const unsigned zeros = r.below(3) == 0 ? 0 : r.below(50);
        mem = r.bytes(1024, 10);
        for (size_t k = 0; k < n; k++) mem[k] = r.chance(zeros) ? 0 : static_cast<uint8_t>(1 + r.below(255));
        const Bytes frame(mem.begin(), mem.begin() + static_cast<long>(n));
        Bytes want = cobs_encode(frame);
        want.push_back(0);
        for (size_t k = 0; k + 1 < want.size(); k++) full_blocks += want[k] == 0xff;
        for (unsigned g = r.below(3); g > 0; g--) tick();
        dut->fr_valid = 1;
        dut->fr_total = static_cast<uint16_t>(n);
        Bytes got;
        bool was_waiting = false;
        uint8_t held = 0;
        for (long c = 0;; c++) {
            TB_CHECK(c < 20000, "frame %ld (%zu bytes): no fr_done", f, n);
            dut->out_ready = ready(r);
            dut->eval();
            if (was_waiting) TB_CHECK(dut->out_valid && dut->out_data == held, "frame %ld: out_valid/out_data changed while stalled", f);
            was_waiting = dut->out_valid && !dut->out_ready;
            held = dut->out_data;
            const bool done = dut->fr_done;
            if (dut->out_valid && dut->out_ready) got.push_back(dut->out_data);
            TB_CHECK(done == (dut->out_valid && dut->out_ready && got.size() == want.size()),
                     "frame %ld: fr_done=%d after %zu of %zu bytes", f, done, got.size(), want.size());
            tick();
            if (done) break;
        }
        dut->fr_valid = 0;
        TB_CHECK(got == want, "frame %ld (%zu bytes): %zu bytes out, want %zu, first difference at %zu", f, n, got.size(),
                 want.size(), [&] { size_t k = 0; while (k < got.size() && k < want.size() && got[k] == want[k]) k++; return k; }());
        bytes_out += static_cast<long>(got.size());
        TB_CHECK(!dut->busy, "frame %ld: busy after fr_done", f);
    }
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS cobs_encoder frames=%ld bytes_out=%ld full_blocks=%ld\n", frames, bytes_out, full_blocks);
    return 0;
}
