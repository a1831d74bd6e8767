// tx_buffer bench: a writer streams random payloads (1..MAX_PAYLOAD bytes, random tags) with
// random gaps, holding each byte until in_ready takes it; a reader plays cobs_encoder: when
// fr_valid is high it waits a random while, reads the frame's fr_total bytes in random order
// through the one-cycle read port and pulses fr_done. Every frame read must be the next payload
// written, followed by its CRC-32 (little-endian), with its tag; in_ready must be low for the
// four cycles after a payload's last byte (the CRC going in) and while two frames wait.
//   Vtx_buffer FRAMES SEED [COVERAGE_FILE]
#include "Vtx_buffer.h"
#include "link_tb.h"

#include <algorithm>
#include <deque>
#include <memory>

using namespace tb;

namespace {
constexpr unsigned MAX_PAYLOAD = 512;
struct Frame {
    Bytes bytes;   // payload || CRC
    bool tag;
};
}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "tx_buffer", "FRAMES");
    const long frames = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vtx_buffer>(ctx.get());
    auto tick = [&] { bench::tick(*dut); };
    dut->rst = 1;
    dut->in_valid = dut->fr_done = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;

    std::deque<Frame> written;   // complete payloads, oldest first, not yet read
    long made = 0, read = 0, bytes_read = 0;
    Bytes payload;
    bool tag = false;
    size_t wi = 0;
    unsigned crc_cycles = 0;       // cycles left in which in_ready must be low (CRC going in)
    bool offering = false;
    // Reader.
    enum { R_IDLE, R_WAIT, R_READ, R_DONE } rs = R_IDLE;
    unsigned wait = 0;
    std::vector<unsigned> order;
    size_t oi = 0;
    int pending_index = -1;
    Frame cur;
    Stall gap;
    long cycles = 0;
    auto new_payload = [&] {
        const unsigned pick = r.below(100);
        const size_t n = pick < 5 ? MAX_PAYLOAD : pick < 12 ? 1 + r.below(MAX_PAYLOAD) : 1 + r.below(40);
        payload = r.bytes(n, 20);
        tag = r.chance(50);
        wi = 0;
    };
    new_payload();
    while (read < frames) {
        TB_CHECK(++cycles < 100000000, "no progress");
        // Writer: once offered, a byte stays offered until taken.
        if (!offering && made < frames) offering = gap(r);
        dut->in_valid = offering;
        dut->in_data = offering ? payload[wi] : r.byte();
        dut->in_last = offering ? wi + 1 == payload.size() : r.chance(50);
        dut->in_tag = offering ? tag : r.chance(50);
        // Reader.
        dut->fr_done = rs == R_DONE;
        const bool reading = rs == R_READ && oi < order.size() && r.chance(70);
        dut->rd_addr = static_cast<uint16_t>(reading ? order[oi] : r.below(1024));
        dut->eval();
        if (crc_cycles > 0) TB_CHECK(!dut->in_ready, "in_ready while the CRC goes in");
        const size_t complete = written.size() + (rs == R_WAIT || rs == R_READ || rs == R_DONE ? 1 : 0);
        if (complete >= 2 && crc_cycles == 0) TB_CHECK(!dut->in_ready, "in_ready with two frames waiting");
        if (pending_index >= 0) {
            TB_CHECK(dut->rd_data == cur.bytes[pending_index], "frame %ld byte %d: %02x, want %02x", read, pending_index,
                     dut->rd_data, cur.bytes[pending_index]);
            bytes_read++;
        }
        pending_index = reading ? static_cast<int>(order[oi]) : -1;
        if (reading) oi++;
        if (rs == R_IDLE && dut->fr_valid) {
            TB_CHECK(!written.empty(), "fr_valid with no complete frame written");
            cur = written.front();
            written.pop_front();
            TB_CHECK(dut->fr_total == cur.bytes.size() && dut->fr_tag == cur.tag, "frame %ld: fr_total %u tag %d, want %zu %d",
                     read, dut->fr_total, dut->fr_tag, cur.bytes.size(), cur.tag);
            order.resize(cur.bytes.size());
            for (unsigned k = 0; k < order.size(); k++) order[k] = k;
            if (r.chance(50)) std::shuffle(order.begin(), order.end(), r.gen);
            oi = 0;
            wait = r.chance(70) ? r.below(3) : r.below(2000);
            rs = R_WAIT;
        } else if (rs == R_WAIT) {
            if (wait-- == 0) rs = R_READ;
        } else if (rs == R_READ && oi == order.size() && !reading && pending_index < 0) {
            rs = R_DONE;
        } else if (rs == R_DONE) {
            TB_CHECK(dut->fr_valid, "fr_valid fell before fr_done");
            read++;
            rs = R_IDLE;
        }
        if (crc_cycles > 0) crc_cycles--;
        if (offering && dut->in_ready) {
            if (++wi == payload.size()) {
                written.push_back({with_crc(payload), tag});
                made++;
                crc_cycles = 4;
                new_payload();
            }
            offering = false;
        }
        tick();
    }
    TB_CHECK(written.empty(), "frames left unread");
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS tx_buffer frames=%ld bytes_read=%ld cycles=%ld\n", read, bytes_read, cycles);
    return 0;
}
