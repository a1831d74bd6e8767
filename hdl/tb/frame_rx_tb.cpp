// frame_rx bench: thousands of random frames on its byte input (good ones of 0..MAX_PAYLOAD
// payload bytes, CRC errors, COBS damage, too short, too long, UART framing errors, noise,
// empty frames), random gaps, and a dispatcher that takes events with random stalls, reads each
// good frame's payload back from its slot and releases the slot after a random delay. The
// source honours in_ready for a while (a byte link), then ignores it (a UART), in turns.
// The model is the protocol's, frame by frame: a frame's bytes between delimiters are
// COBS-decoded; it is UART (a framing error inside it), COBS (it stops inside a block), LONG
// (more than MAX_PAYLOAD + 4 bytes), SHORT (fewer than 4), OVERRUN (both slots held by good
// frames not yet released when its first byte was decoded), CRC (its last four bytes are not
// the CRC-32 of the rest) or OK, in that order; an empty frame gives no event; an event that
// finds four waiting is dropped (a good one then counts as a frame error and takes no slot).
// Checked: every event (status, reason, and for OK the slot, lowest free first, and length),
// the payload read back, the counter pulses, and that a source honouring in_ready never sees an
// overrun or a dropped event.
//   Vframe_rx FRAMES SEED [COVERAGE_FILE]
#include "Vframe_rx.h"
#include "link_tb.h"

#include <deque>
#include <memory>

using namespace tb;

namespace {
constexpr unsigned MAX_PAYLOAD = 512, LIMIT = MAX_PAYLOAD + 4;
enum { OK = 0, CRC = 1, FRAME = 2 };
enum { R_COBS = 1, R_LONG = 2, R_UART = 3, R_SHORT = 4, R_OVERRUN = 5 };

struct Event {
    unsigned status, reason, slot, len;
    Bytes payload;
};

// A line item: a byte, or a UART framing error between bytes.
struct Item {
    uint8_t byte;
    bool uart_error;
};
}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "frame_rx", "FRAMES");
    const long frames = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vframe_rx>(ctx.get());

    std::deque<Item> line;
    for (long f = 0; f < frames; f++) {
        const unsigned kind = r.below(100);
        const unsigned pick = r.below(100);
        size_t n = pick < 4 ? MAX_PAYLOAD : pick < 8 ? 400 + r.below(MAX_PAYLOAD - 400) : pick < 11 ? MAX_PAYLOAD + 1 + r.below(200)
                 : r.below(48);
        Bytes framed = with_crc(r.bytes(n, r.below(40)));
        if (kind >= 60 && kind < 72) framed[r.below(static_cast<uint32_t>(framed.size()))] ^= static_cast<uint8_t>(1 << r.below(8));
        if (kind >= 72 && kind < 78) framed.resize(r.below(4));   // short (or empty)
        Bytes enc = cobs_encode(framed);
        if (kind >= 78 && kind < 84) enc.resize(r.below(static_cast<uint32_t>(enc.size())));
        if (kind >= 84 && kind < 88) enc[r.below(static_cast<uint32_t>(enc.size()))] = static_cast<uint8_t>(1 + r.below(255));
        if (kind >= 88 && kind < 92) enc = r.bytes(r.below(20), 0);
        if (kind >= 92 && kind < 95) enc.insert(enc.begin() + r.below(static_cast<uint32_t>(enc.size())), 0);
        const size_t err_at = kind >= 95 ? r.below(static_cast<uint32_t>(enc.size() + 1)) : SIZE_MAX;
        for (size_t k = 0; k <= enc.size(); k++) {
            if (k == err_at) line.push_back({0, true});
            if (k < enc.size()) line.push_back({enc[k], false});
        }
        line.push_back({0, false});
        if (r.chance(3)) line.push_back({0, false});
        if (r.chance(2)) line.push_back({1, false}), line.push_back({0, false});   // a frame of no bytes
    }

    // Model state.
    unsigned remaining = 0;   // COBS: data bytes left in the block
    bool zero_pending = false;
    Bytes seg;                // decoded bytes of the current frame
    bool seg_uart = false, seg_cobs_bad = false, seg_no_slot = false, seg_honoured = false, seg_started = false;
    unsigned seg_slot = 0;
    bool held[2] = {false, false};   // slots holding a good frame not yet released
    std::deque<Event> fifo;          // events the FIFO holds
    int pulse_good = 0, pulse_crc = 0, pulse_frame = 0;   // expected next cycle
    long stats[3] = {0, 0, 0}, overruns = 0, dropped = 0, reasons[6] = {0, 0, 0, 0, 0, 0};

    // Dispatcher state.
    enum { D_IDLE, D_READ, D_HOLD } dstate = D_IDLE;
    Event cur;
    unsigned rd_i = 0, hold = 0;
    bool rd_pending = false;
    unsigned rd_expect_i = 0;

    auto tick = [&] { bench::tick(*dut); };
    dut->rst = 1;
    dut->in_valid = dut->in_error = dut->ev_ready = dut->release_valid = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    Stall gap, ready;
    bool honour = true;
    long cycles = 0;
    while (!line.empty() || !fifo.empty() || dstate != D_IDLE) {
        TB_CHECK(++cycles < 200000000, "no progress");
        if (r.chance(1) && r.chance(5)) honour = !honour;
        // The byte source.
        bool send = !line.empty() && gap(r);
        if (send && !line.front().uart_error && honour && !dut->in_ready) send = false;
        const Item it = send ? line.front() : Item{0, false};
        dut->in_valid = send && !it.uart_error;
        dut->in_data = send && !it.uart_error ? it.byte : r.byte();
        dut->in_error = send && it.uart_error;
        // The dispatcher.
        dut->ev_ready = dstate == D_IDLE && ready(r);
        dut->release_valid = 0;
        dut->release_slot = r.below(2);
        if (dstate == D_HOLD && hold == 0) {
            dut->release_valid = 1;
            dut->release_slot = cur.slot;
        }
        const bool reading = dstate == D_READ && rd_i < cur.len && r.chance(80);
        dut->rd_addr = static_cast<uint16_t>((cur.slot << 9) | (reading ? rd_i : r.below(MAX_PAYLOAD)));
        dut->eval();

        // Checks on this cycle's outputs.
        TB_CHECK(dut->good_frame == pulse_good && dut->crc_error == pulse_crc && dut->frame_error == pulse_frame,
                 "counter pulses good=%d crc=%d frame=%d, want %d %d %d", dut->good_frame, dut->crc_error, dut->frame_error,
                 pulse_good, pulse_crc, pulse_frame);
        pulse_good = pulse_crc = pulse_frame = 0;
        TB_CHECK(dut->ev_valid == !fifo.empty(), "cycle %ld: ev_valid=%d with %zu events expected (first: status %u reason %u len %u)", cycles, dut->ev_valid, fifo.size(), fifo.empty() ? 9 : fifo.front().status, fifo.empty() ? 9 : fifo.front().reason, fifo.empty() ? 0 : fifo.front().len);
        if (rd_pending) {
            TB_CHECK(dut->rd_data == cur.payload[rd_expect_i], "slot %u byte %u: %02x, want %02x", cur.slot, rd_expect_i,
                     dut->rd_data, cur.payload[rd_expect_i]);
        }
        rd_pending = reading;
        rd_expect_i = rd_i;
        if (reading) rd_i++;
        const bool pop = dut->ev_valid && dut->ev_ready;
        if (pop) {
            const Event& w = fifo.front();
            TB_CHECK(dut->ev_status == w.status, "event status %u, want %u (reason %u, want %u)", dut->ev_status, w.status,
                     dut->ev_reason, w.reason);
            if (w.status == FRAME) TB_CHECK(dut->ev_reason == w.reason, "event reason %u, want %u", dut->ev_reason, w.reason);
            if (w.status == OK)
                TB_CHECK(dut->ev_slot == w.slot && dut->ev_len == w.len, "OK event slot %u len %u, want slot %u len %u",
                         dut->ev_slot, dut->ev_len, w.slot, w.len);
        }

        // The model at this edge. Releases and the dispatcher first (a release in the cycle of a
        // first byte comes too late for it).
        const bool release_now = dut->release_valid;
        const size_t waiting = fifo.size();   // the FIFO's level before this edge's pop
        if (pop) {
            cur = fifo.front();
            fifo.pop_front();
            if (cur.status == OK) {
                dstate = D_READ;
                rd_i = 0;
            }
        } else if (dstate == D_READ && rd_i == cur.len && !rd_pending) {
            dstate = D_HOLD;
            hold = r.chance(85) ? r.below(8) : r.below(600);
        } else if (dstate == D_HOLD) {
            if (hold == 0) dstate = D_IDLE;
            else hold--;
        }
        if (send && it.uart_error) {
            seg_uart = true;
        } else if (send) {
            const uint8_t b = it.byte;
            if (!seg_started) {
                seg_started = true;
                seg_honoured = honour;
            }
            if (b == 0) {
                // End of frame: classify.
                const bool empty = seg.empty() && !seg_uart && remaining == 0;
                if (!empty) {
                    Event e{FRAME, 0, seg_slot, 0, {}};
                    const bool cobs_bad = remaining != 0;
                    if (seg_uart) e.reason = R_UART;
                    else if (cobs_bad || seg_cobs_bad) e.reason = R_COBS;
                    else if (seg.size() > LIMIT) e.reason = R_LONG;
                    else if (seg.size() < 4) e.reason = R_SHORT;
                    else if (seg_no_slot) e.reason = R_OVERRUN;
                    else {
                        const size_t len = seg.size() - 4;
                        const uint32_t got = seg[len] | seg[len + 1] << 8 | seg[len + 2] << 16 | uint32_t{seg[len + 3]} << 24;
                        e.status = got == crc32(seg.data(), len) ? OK : CRC;
                        e.len = static_cast<unsigned>(len);
                        e.payload.assign(seg.begin(), seg.begin() + static_cast<long>(len));
                    }
                    const bool drop = waiting == 4;
                    if (seg_honoured) TB_CHECK(!drop && e.reason != R_OVERRUN, "a source that honoured in_ready saw %s",
                                               drop ? "a dropped event" : "an overrun");
                    pulse_good = e.status == OK && !drop;
                    pulse_crc = e.status == CRC;
                    pulse_frame = e.status == FRAME || (e.status == OK && drop);
                    if (drop) dropped++;
                    else {
                        if (e.status == OK) held[e.slot] = true;
                        fifo.push_back(e);
                    }
                    stats[e.status]++;
                    reasons[e.reason]++;
                    overruns += e.reason == R_OVERRUN;
                }
                seg.clear();
                seg_uart = seg_cobs_bad = seg_no_slot = seg_started = false;
                remaining = 0;
                zero_pending = false;
            } else {
                bool beat = false;
                uint8_t data = b;
                if (remaining == 0) {
                    beat = zero_pending;
                    data = 0;
                    remaining = b - 1u;
                    zero_pending = b != 0xff;
                } else {
                    beat = true;
                    remaining--;
                }
                if (beat) {
                    if (seg.empty()) {   // the first byte takes a slot
                        seg_no_slot = held[0] && held[1];
                        seg_slot = held[0] ? 1 : 0;
                    }
                    seg.push_back(data);
                }
            }
        }
        if (release_now) held[cur.slot] = false;
        if (send) line.pop_front();
        tick();
    }
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS frame_rx frames=%ld ok=%ld crc=%ld frame=%ld (cobs=%ld long=%ld uart=%ld short=%ld overrun=%ld) "
                "dropped=%ld cycles=%ld\n", frames, stats[OK], stats[CRC], stats[FRAME], reasons[R_COBS], reasons[R_LONG],
                reasons[R_UART], reasons[R_SHORT], overruns, dropped, cycles);
    return 0;
}
