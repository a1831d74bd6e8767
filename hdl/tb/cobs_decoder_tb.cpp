// cobs_decoder bench: a stream of random frames (payload || CRC, COBS-encoded as src/link/cobs.ts,
// 0x00-terminated), many of them damaged (a code or data byte changed, cut short, an early
// delimiter, noise, empty frames), fed with random gaps. Every output beat is compared with a
// frame-level model: the bytes between two delimiters are read block by block (a code byte c,
// then c - 1 data bytes, then a zero unless c is 0xFF or the frame ends), and the end beat's
// error flag says the frame stopped inside a block.
//   Vcobs_decoder FRAMES SEED [COVERAGE_FILE]
#include "Vcobs_decoder.h"
#include "link_tb.h"

#include <deque>
#include <memory>

using namespace tb;

namespace {
struct Beat {
    uint8_t data;
    bool end, error;
};

/** The beats one frame (its bytes between delimiters, no 0x00 among them) must give. */
void model(const Bytes& s, std::deque<Beat>& out) {
    size_t pos = 0;
    bool pending = false, error = false;
    while (pos < s.size()) {
        const unsigned c = s[pos];
        if (pending) out.push_back({0, false, false});
        size_t take = c - 1;
        if (take > s.size() - pos - 1) {
            take = s.size() - pos - 1;
            error = true;
        }
        for (size_t k = 0; k < take; k++) out.push_back({s[pos + 1 + k], false, false});
        pending = c != 0xff;
        pos += 1 + take;
    }
    out.push_back({0, true, error});
}
}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "cobs_decoder", "FRAMES");
    const long frames = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vcobs_decoder>(ctx.get());

    // The line: frames, each a list of non-zero bytes, then the delimiter.
    Bytes line;
    std::deque<Beat> want;
    long damaged = 0, round_trips = 0;
    for (long f = 0; f < frames; f++) {
        const size_t n = r.chance(5) ? r.below(700) : r.below(40);
        const Bytes payload = r.bytes(n, r.below(4) == 0 ? 0 : r.below(60));
        Bytes enc = cobs_encode(with_crc(payload));
        const unsigned how = r.below(100);
        if (how < 8 && enc.size() > 1) enc[r.below(static_cast<uint32_t>(enc.size()))] = static_cast<uint8_t>(1 + r.below(255));
        else if (how < 14) enc.resize(r.below(static_cast<uint32_t>(enc.size())));
        else if (how < 18) enc.insert(enc.begin() + r.below(static_cast<uint32_t>(enc.size())), 0);   // an early delimiter
        else if (how < 22) enc = r.bytes(r.below(30), 15);
        if (how < 22) damaged++;
        else {   // the model itself must invert the encoder
            std::deque<Beat> rt;
            model(enc, rt);
            const Bytes framed = with_crc(payload);
            TB_CHECK(rt.size() == framed.size() + 1 && !rt.back().error, "model: frame %ld does not round-trip", f);
            for (size_t k = 0; k < framed.size(); k++) TB_CHECK(rt[k].data == framed[k], "model: byte %zu of frame %ld", k, f);
            round_trips++;
        }
        Bytes seg;
        for (uint8_t b : enc) {
            line.push_back(b);
            if (b == 0) {
                model(seg, want);
                seg.clear();
            } else seg.push_back(b);
        }
        line.push_back(0);
        model(seg, want);
        if (r.chance(3)) {   // an empty frame
            line.push_back(0);
            model({}, want);
        }
    }

    auto tick = [&] { bench::tick(*dut); };
    dut->rst = 1;
    dut->in_valid = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    size_t i = 0;
    long beats = 0;
    Stall gap;
    while (i < line.size()) {
        const bool v = gap(r);
        dut->in_valid = v;
        dut->in_data = v ? line[i] : r.byte();
        dut->eval();
        if (!v) TB_CHECK(!dut->out_valid, "a beat without an input byte");
        if (dut->out_valid) {
            TB_CHECK(!want.empty(), "a beat beyond the model's at line byte %zu", i);
            const Beat w = want.front();
            want.pop_front();
            TB_CHECK(dut->out_end == w.end && (!w.end || dut->out_error == w.error) && (w.end || dut->out_data == w.data),
                     "line byte %zu: beat end=%d error=%d data=%02x, model end=%d error=%d data=%02x", i, dut->out_end,
                     dut->out_error, dut->out_data, w.end, w.error, w.data);
            beats++;
        }
        tick();
        if (v) i++;
    }
    TB_CHECK(want.empty(), "%zu beats missing", want.size());
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS cobs_decoder frames=%ld damaged=%ld round_trips=%ld beats=%ld line_bytes=%zu\n", frames, damaged,
                round_trips, beats, line.size());
    return 0;
}
