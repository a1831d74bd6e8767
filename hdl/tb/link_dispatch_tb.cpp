// link_dispatch bench (default parameters: 512-byte slots, WINDOW 4, SEARCH 0). The bench is
// the dispatcher's neighbours: frame_rx (a queue of events, good ones with a payload in one of
// two slots, the other slot scribbled on meanwhile, counter pulses as each event is taken), the
// reply encoder (reads every field 1..17 and the items of the bytes fields, after random waits,
// then pulses rep_ready), and an engine that takes requests after random waits, holds the
// candidates it takes and answers them later (verdict_encoded, then verdict_sent, at most two
// Verdict frames waiting). Payloads: every request kind well formed (Candidates in bursts, so
// the window fills), SetBaud around the allowed range, and tb::random_host_message's mix.
// The model is the link protocol (hdl/README.md, docs/link-protocol.md): each event's reply
// (kind and every field, Echo's data, HelloReply's identity and capacities, Counters within the
// pulses given, Error codes, seqs and args) or engine request (kind, fields, bytes field read
// through eng_req_addr), eng_clear on Reset, baud_set on an accepted SetBaud, the window (a
// Candidate is refused exactly when WINDOW are held or waiting to be sent) and the slot release
// (once per good frame, when its request is answered or taken).
//   Vlink_dispatch EVENTS SEED [COVERAGE_FILE]
#include "Vlink_dispatch.h"
#include "Vlink_dispatch___024root.h"
#include "link_tb.h"

#include <deque>
#include <memory>

using namespace tb;

namespace {
constexpr unsigned MAX_PAYLOAD = 512, WINDOW = 4;
const char* const DEVICE_ID = "hilsolve-sim";
// The link protocol version HelloReply carries (proto/link.proto; version 3: search solutions proven
// from the tables too).
constexpr uint32_t PROTOCOL_VERSION = 3;
enum { K_HELLO = 1, K_ECHO = 2, K_COUNTERS = 3, K_ACK = 4, K_ERROR = 15 };

struct Ev {
    unsigned status, reason, slot;
    Bytes payload;
    Decoded d;
};

Bytes message(unsigned kind, const std::vector<std::pair<unsigned, uint32_t>>& fields, const Bytes* data = nullptr,
              unsigned data_field = 0) {
    Bytes body;
    for (auto [f, v] : fields) {
        put_key(body, f, 0);
        put_varint(body, v);
    }
    if (data) {
        put_key(body, data_field, 2);
        put_varint(body, data->size());
        body.insert(body.end(), data->begin(), data->end());
    }
    Bytes p;
    put_key(p, kind, 2);
    put_varint(p, body.size());
    p.insert(p.end(), body.begin(), body.end());
    return p;
}
}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "link_dispatch", "EVENTS");
    const long events = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vlink_dispatch>(ctx.get());
    Bytes ram(2 * MAX_PAYLOAD);
    long cycle = 0;
    auto tick = [&] {
        const unsigned addr = dut->rd_addr;
        dut->clk = 1;
        dut->eval();
        dut->rd_data = ram[addr % ram.size()];
        dut->clk = 0;
        dut->eval();
        cycle++;
    };
    dut->rst = 1;
    dut->ev_valid = dut->rep_ready = dut->eng_req_ready = dut->srch_req_ready = 0;
    dut->good_frame = dut->crc_error = dut->frame_error = dut->frame_sent = 0;
    dut->verdict_encoded = dut->verdict_sent = 0;
    dut->eng_inflight = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    cycle = 0;

    // Counter pulses given so far: the cycle of each, per counter (frames_rx, frames_tx, crc, frame, decode).
    std::vector<long> pulses[5];
    auto counted = [&](int c, long upto) {
        long n = 0;
        for (long t : pulses[c]) n += t <= upto;
        return static_cast<uint32_t>(n);
    };
    // Engine: candidates held, Verdict frames waiting.
    unsigned held = 0, tx = 0;
    long refused = 0, taken = 0, replies = 0, resets = 0, bauds = 0, kinds[17] = {0};
    std::deque<Ev> queue;
    long made = 0;
    unsigned burst = 0;
    auto new_event = [&] {
        Ev e{0, 0, r.below(2), {}, {}};
        const unsigned pick = r.below(100);
        if (burst == 0 && r.chance(3)) burst = 4 + r.below(8);
        if (burst > 0) {
            burst--;
            const Bytes values = r.bytes(1 + r.below(40));
            e.payload = message(8, {{1, r.wide()}, {2, r.wide()}}, &values, 3);
        } else if (pick < 10) e.status = 1;
        else if (pick < 18) {
            e.status = 2;
            e.reason = 1 + r.below(5);
        } else if (pick < 26) e.payload = message(1, {{1, r.wide()}, {2, 1}});
        else if (pick < 34) {
            const Bytes data = r.bytes(r.chance(10) ? r.below(480) : r.below(30));
            e.payload = message(2, {{1, r.wide()}}, &data, 2);
        } else if (pick < 40) e.payload = message(3, {{1, r.wide()}});
        else if (pick < 44) e.payload = message(4, {{1, r.wide()}});
        else if (pick < 52) {
            const uint32_t div = r.chance(20) ? r.wide() : r.below(300);
            e.payload = message(16, {{1, r.wide()}, {2, div}});
        } else if (pick < 60) {
            const Bytes words = r.bytes(r.below(64));
            e.payload = message(5 + r.below(3), {{1, r.wide()}, {2, r.wide()}, {3, r.wide()}}, &words, 4);
        } else e.payload = random_host_message(r, MAX_PAYLOAD);
        if (e.payload.size() > MAX_PAYLOAD) e.payload.resize(MAX_PAYLOAD);
        e.d = decode_host(e.payload);
        queue.push_back(e);
        made++;
    };

    // The event being handled.
    bool active = false;
    Ev cur;
    long accepted_at = 0;
    bool released = false;
    // Encoder reads: (field 1..17 or item index), then rep_ready.
    struct Read {
        unsigned fld;   // 1..17
        int item;       // -1: the field's value
    };
    std::vector<Read> reads;
    size_t ri = 0;
    unsigned wait = 0;
    bool sel_set = false;
    uint32_t got_val[18];
    long got_at[18];
    std::vector<uint32_t> got_items[18];
    bool rep_started = false;
    // Engine request.
    std::vector<unsigned> eng_reads;
    size_t ei = 0;
    int eng_pending = -1;
    bool eng_started = false;
    unsigned eng_wait = 0;
    uint32_t in_vals[14] = {0};   // eng_max_vars .. busy_cycles, srch_*, min_divider, divider
    bool booleans_only = false;
    auto randomize_inputs = [&] {
        for (auto& v : in_vals) v = r.wide();
        in_vals[12] = r.chance(20) ? 0 : r.chance(10) ? r.below(65536) : r.below(40);   // min_divider
        in_vals[13] = r.below(65536);                   // divider
        dut->eng_max_vars = in_vals[0]; dut->eng_max_domain = in_vals[1]; dut->eng_max_words = in_vals[2];
        dut->eng_max_constraints = in_vals[3]; dut->eng_max_violations = in_vals[4]; dut->eng_engines = in_vals[5];
        dut->eng_candidates = in_vals[6]; dut->eng_busy_cycles = in_vals[7];
        dut->srch_chains = in_vals[8]; dut->srch_max_vars = in_vals[9]; dut->srch_max_values = in_vals[10];
        dut->srch_max_clauses = in_vals[11]; dut->srch_max_literals = r.wide();
        booleans_only = r.chance(50);
        dut->srch_booleans_only = booleans_only;
        dut->min_divider = static_cast<uint16_t>(in_vals[12]);
        dut->divider = static_cast<uint16_t>(in_vals[13]);
    };
    randomize_inputs();
    Stall stall;
    // A simulation never runs 2^32 cycles: now and then the bench sets the 64-bit cycle count and
    // the 32-bit counters to random values (the model keeps the offsets), so their high bits move.
    uint64_t cycle_base = 0;
    uint32_t counter_base[5] = {0, 0, 0, 0, 0};
    unsigned sends_waiting = 0;

    auto check_reply = [&]() {
        const Ev& e = cur;
        uint32_t want[18] = {0};
        unsigned kind = K_ERROR;
        const Decoded& d = e.d;
        const unsigned seq = d.f[1];
        if (e.status == 1) want[2] = 1;
        else if (e.status == 2) { want[2] = 2; want[3] = e.reason; }
        else if (d.error) { want[1] = seq; want[2] = 3; }
        else if (d.kind == 0) want[2] = 4;
        else if (d.kind >= 9 && d.kind <= 15) { want[1] = seq; want[2] = 4; }
        else if (d.kind == 8) { want[1] = seq; want[2] = 14; want[3] = WINDOW; }
        else if (d.kind == 16) {
            const bool ok = in_vals[12] != 0 && d.f[2] < 256 && (d.f[2] & 0xffff) >= in_vals[12];
            want[1] = seq;
            if (ok) kind = K_ACK;
            else { want[2] = 19; want[3] = in_vals[12]; }
        } else {
            kind = d.kind;
            want[1] = seq;
        }
        TB_CHECK(dut->rep_kind == kind, "event %ld: reply kind %u, want %u (%s)", replies, dut->rep_kind, kind, d.str().c_str());
        if (kind == K_HELLO) {
            const uint32_t hello[] = {0, seq, PROTOCOL_VERSION, 12, 1, MAX_PAYLOAD, WINDOW, 12000000, 115200, in_vals[0], in_vals[1],
                                      in_vals[2], in_vals[3], in_vals[4], in_vals[5], 0, in_vals[12], in_vals[13]};
            for (int f = 1; f <= 17; f++) want[f] = hello[f];
            for (int i = 0; i < 12; i++)
                TB_CHECK(got_items[3][i] == static_cast<uint8_t>(DEVICE_ID[i]), "HelloReply.device_id[%d] = %u", i, got_items[3][i]);
            const uint32_t search[] = {in_vals[8], in_vals[9], in_vals[10], in_vals[11]};
            for (int i = 0; i < 4; i++) TB_CHECK(got_items[15][i] == search[i], "search item %d = %u, want %u", i, got_items[15][i], search[i]);
            TB_CHECK(got_items[15][5] == (booleans_only ? 1u : 0u), "search item 5 = %u, want %u", got_items[15][5], booleans_only ? 1u : 0u);
        } else if (kind == K_ECHO) {
            want[2] = d.bytes_len;
            for (unsigned i = 0; i < d.bytes_len; i++)
                TB_CHECK(got_items[2][i] == e.payload[d.bytes_off + i], "Echo byte %u: %u, want %u", i, got_items[2][i], e.payload[d.bytes_off + i]);
        } else if (kind == K_COUNTERS) {
            for (int c = 0; c < 5; c++) {
                const uint32_t lo = counted(c, got_at[2 + c] - 16), hi = counted(c, got_at[2 + c]);
                const uint32_t n = got_val[2 + c] - counter_base[c];
                TB_CHECK(n >= lo && n <= hi, "counter %d = %u, want %u..%u", c, got_val[2 + c], lo, hi);
                want[2 + c] = got_val[2 + c];
            }
            const uint64_t at = (uint64_t{got_val[8]} << 32 | got_val[7]) - cycle_base;
            TB_CHECK(static_cast<long>(at) >= accepted_at - 2 && static_cast<long>(at) <= got_at[7], "cycle count %llu outside %ld..%ld",
                     static_cast<unsigned long long>(at), accepted_at, cycle);
            want[7] = got_val[7];
            want[8] = got_val[8];
            want[9] = in_vals[6];
            want[10] = in_vals[7];
        }
        for (int f = 1; f <= 17; f++)
            TB_CHECK(got_val[f] == want[f], "event %ld (%s, status %u): reply kind %u field %d = %u, want %u", replies,
                     d.str().c_str(), e.status, kind, f, got_val[f], want[f]);
    };

    while (made < events || !queue.empty() || active) {
        TB_CHECK(++cycle < 500000000, "no progress");
        if (queue.size() < 2 && made < events) new_event();
        // frame_rx side: the next event, its payload in its slot; the other slot is scribbled on.
        dut->good_frame = dut->crc_error = dut->frame_error = dut->frame_sent = 0;
        const bool offer = !queue.empty() && !active && stall(r);
        if (offer) {
            const Ev& e = queue.front();
            dut->ev_valid = 1;
            dut->ev_status = e.status;
            dut->ev_reason = e.reason;
            dut->ev_slot = e.slot;
            dut->ev_len = static_cast<uint16_t>(e.payload.size());
            for (size_t k = 0; k < e.payload.size(); k++) ram[e.slot * MAX_PAYLOAD + k] = e.payload[k];
        } else {
            dut->ev_valid = 0;
            dut->ev_status = r.below(4);
            dut->ev_len = static_cast<uint16_t>(r.below(1024));
        }
        const unsigned other = active && cur.status == 0 ? 1 - cur.slot : r.below(2);
        if (!(offer && queue.front().slot == other)) ram[other * MAX_PAYLOAD + r.below(MAX_PAYLOAD)] = r.byte();
        // Engine: answers held candidates unless a Candidate is being decided (its window is then fixed).
        const bool deciding = active && cur.status == 0 && cur.d.kind == 8 && !cur.d.error && !rep_started && !eng_started;
        dut->verdict_encoded = !deciding && held > 0 && tx < 2 && r.chance(3);
        dut->verdict_sent = !deciding && tx > 0 && r.chance(3);
        // Encoder reads.
        dut->rep_ready = 0;
        if (rep_started && ri < reads.size()) {
            dut->rep_fld = reads[ri].fld & 15;
            dut->rep_fld_hi = reads[ri].fld >= 16;
            dut->rep_item = static_cast<uint16_t>(reads[ri].item < 0 ? r.below(16) : reads[ri].item);
        } else if (rep_started && wait == 0) dut->rep_ready = 1;
        // Engine request reads.
        dut->eng_req_ready = 0;
        dut->srch_req_ready = r.chance(50);
        dut->srch_req_addr = static_cast<uint16_t>(r.below(MAX_PAYLOAD));
        dut->eng_req_addr = static_cast<uint16_t>(r.below(MAX_PAYLOAD));
        if (eng_started && ei < eng_reads.size()) dut->eng_req_addr = static_cast<uint16_t>(eng_reads[ei]);
        else if (eng_started && eng_wait == 0) dut->eng_req_ready = 1;
        dut->eval();

        // Observe.
        TB_CHECK(!dut->srch_req_valid, "a search request with SEARCH = 0");
        if (eng_pending >= 0) {
            TB_CHECK(dut->rd_data == cur.payload[cur.d.bytes_off + eng_pending], "engine read of bytes[%d]: %u, want %u", eng_pending,
                     dut->rd_data, cur.payload[cur.d.bytes_off + eng_pending]);
            eng_pending = -1;
        }
        if (dut->ev_valid && dut->ev_ready) {
            cur = queue.front();
            queue.pop_front();
            active = true;
            released = false;
            accepted_at = cycle;
            rep_started = eng_started = false;
            if (cur.status == 0) pulses[0].push_back(cycle), dut->good_frame = 1;
            else if (cur.status == 1) pulses[2].push_back(cycle), dut->crc_error = 1;
            else pulses[3].push_back(cycle), dut->frame_error = 1;
            if (cur.status == 0 && (cur.d.error || cur.d.kind == 0)) pulses[4].push_back(cycle + 1);
            if (r.chance(5)) randomize_inputs();
        }
        // The dispatcher's promises at this edge.
        const bool release_due = active && cur.status == 0 &&
                                 ((rep_started && dut->rep_ready) || (eng_started && dut->eng_req_ready));
        TB_CHECK(dut->release_valid == release_due, "release_valid=%d, want %d", dut->release_valid, release_due);
        if (release_due) {
            TB_CHECK(dut->release_slot == cur.slot && !released, "release of slot %u, want %u once", dut->release_slot, cur.slot);
            released = true;
        }
        bool just_started = false, sent_now = false;
        if (active && !rep_started && !eng_started) {
            just_started = true;
            if (dut->rep_valid) {
                TB_CHECK(!dut->eng_req_valid, "a reply and an engine request at once");
                rep_started = true;
                reads.clear();
                for (unsigned f = 1; f <= 17; f++) reads.push_back({f, -1});
                if (dut->rep_kind == K_HELLO) {
                    for (int i = 0; i < 12; i++) reads.push_back({3, i});
                    for (int i = 0; i < 6; i++) reads.push_back({15, i});
                }
                if (dut->rep_kind == K_ECHO)
                    for (unsigned i = 0; i < cur.d.bytes_len; i++) reads.push_back({2, static_cast<int>(i)});
                for (auto& g : got_items) g.assign(16, 0);
                got_items[2].assign(MAX_PAYLOAD, 0);
                ri = 0;
                sel_set = false;
                wait = r.below(3);
            } else if (dut->eng_req_valid) {
                const Decoded& d = cur.d;
                TB_CHECK(!d.error && (d.kind >= 5 && d.kind <= 8), "engine request for %s", d.str().c_str());
                TB_CHECK(dut->eng_req_kind == d.kind && dut->eng_req_f1 == d.f[1] && dut->eng_req_f2 == d.f[2] &&
                             dut->eng_req_f3 == d.f[3] && dut->eng_req_f4 == d.f[4] && dut->eng_req_f5 == d.f[5] &&
                             dut->eng_req_f6 == d.f[6] && dut->eng_req_len == d.bytes_len,
                         "engine request kind %u f1 %u len %u, want %s", dut->eng_req_kind, dut->eng_req_f1, dut->eng_req_len,
                         d.str().c_str());
                if (d.kind == 8) TB_CHECK(held + tx < WINDOW, "a Candidate passed with %u in flight", held + tx);
                eng_started = true;
                eng_reads.clear();
                for (unsigned k = r.below(4); k > 0 && d.bytes_len > 0; k--) eng_reads.push_back(r.below(d.bytes_len));
                ei = 0;
                eng_wait = r.chance(70) ? r.below(3) : r.below(200);
            }
        }
        if (just_started) {
        } else if (rep_started && ri < reads.size()) {
            if (!sel_set) sel_set = true;   // the select is on the port from this cycle
            else if (r.chance(70)) {
                const Read& rd = reads[ri];
                if (rd.item < 0) got_val[rd.fld] = dut->rep_val, got_at[rd.fld] = cycle;
                else got_items[rd.fld][rd.item] = dut->rep_item_val;
                ri++;
                sel_set = false;
            }
        } else if (rep_started && !dut->rep_ready) {
            if (wait > 0) wait--;
        }
        if (rep_started && dut->rep_ready && !just_started) {
            check_reply();
            if (cur.status == 0 && !cur.d.error && cur.d.kind == 8) refused++;
            if (dut->rep_kind == K_ACK && cur.d.kind == 16) bauds++;
            kinds[dut->rep_kind]++;
            replies++;
            sent_now = true;
            active = rep_started = false;
        }
        // eng_clear and baud_set come the cycle after the decode; they are checked against the
        // reply they precede.
        if (dut->eng_clear) {
            TB_CHECK(active && cur.status == 0 && !cur.d.error && cur.d.kind == 4, "eng_clear without a Reset");
            held = 0;
            resets++;
        }
        if (dut->baud_set) {
            TB_CHECK(active && cur.d.kind == 16 && dut->baud_divider == (cur.d.f[2] & 0xffff), "baud_set %u for %s",
                     dut->baud_divider, cur.d.str().c_str());
        }
        if (eng_started && !just_started) {
            if (ei < eng_reads.size()) {
                if (r.chance(60)) eng_pending = static_cast<int>(eng_reads[ei++]);
            } else if (dut->eng_req_ready) {
                if (cur.d.kind == 8) held++;
                taken++;
                active = eng_started = false;
            } else if (eng_wait > 0) eng_wait--;
        }
        if (dut->verdict_encoded) held--, tx++;
        if (dut->verdict_sent) tx--, sent_now = true;
        dut->eng_inflight = static_cast<uint8_t>(held);
        // Pulses decided this cycle go out with the next edge.
        // frame_sent: one pulse a sent frame (reply or Verdict), 2 * 5 cycles apart at least, as
        // link_counters requires (frames take hundreds of cycles on the line).
        sends_waiting += sent_now;
        if (sends_waiting > 0 && (pulses[1].empty() || pulses[1].back() + 12 <= cycle)) {
            dut->frame_sent = 1;
            pulses[1].push_back(cycle);
            sends_waiting--;
        }
        tick();
        cycle--;   // tick counts; the loop counts
        bool quiet = !active && !dut->busy && sends_waiting == 0;
        for (auto& p : pulses) quiet = quiet && (p.empty() || p.back() + 16 < cycle);
        if (quiet && r.chance(1) && r.chance(20)) {
            auto* root = dut->rootp;
            const uint64_t c = r.next();
            root->link_dispatch__DOT__cycles = c;
            cycle_base = c - static_cast<uint64_t>(cycle + 1);
            for (int k = 0; k < 5; k++) {
                root->link_dispatch__DOT__counters__DOT__mem[k] = static_cast<uint32_t>(r.next());
                counter_base[k] = root->link_dispatch__DOT__counters__DOT__mem[k] - counted(k, cycle);
            }
            dut->eval();
        }
    }
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS link_dispatch events=%ld replies=%ld engine_requests=%ld window_refusals=%ld resets=%ld baud_switches=%ld "
                "hello=%ld echo=%ld counters=%ld errors=%ld\n", events, replies, taken, refused, resets, bauds, kinds[1], kinds[2],
                kinds[3], kinds[15]);
    return 0;
}
