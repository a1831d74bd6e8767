// pb_encoder bench: random DeviceMessages (every body kind of proto/link.proto and a few
// without fields; scalars of every varint size, zero ones left out; bytes fields of 0..300
// bytes, now and then up to 1023; packed fields of 0..40 elements, now and then up to 300), a source that answers fld_sel and item_sel one
// cycle late and changes every field value once the payload has begun (the encoder must send
// the values of its first walk), random stalls on out_ready. Each payload must equal a plain
// protobuf encoding of the message (body fields in field order, the body length-prefixed under
// its DeviceMessage field), out_last must mark its final byte, out_data must hold still while
// stalled, and src_ready must pulse once, after the last byte.
//   Vpb_encoder MESSAGES SEED [COVERAGE_FILE]
#include "Vpb_encoder.h"
#include "link_tb.h"

#include <memory>

using namespace tb;

namespace {
enum DevType { D_NONE, D_VARINT, D_FIXED32, D_BYTES, D_PACKED };

/** Type of field f of DeviceMessage body k, from proto/link.proto. */
DevType dev_field_type(unsigned k, unsigned f) {
    switch (k) {
        case 1: return f == 3 ? D_BYTES : f == 15 ? D_PACKED : f >= 1 && f <= 17 ? D_VARINT : D_NONE;  // HelloReply
        case 2: return f == 1 ? D_VARINT : f == 2 ? D_BYTES : D_NONE;                                  // Echo
        case 3: return f >= 1 && f <= 10 ? D_VARINT : D_NONE;                                          // Counters
        case 4: return f == 1 ? D_VARINT : D_NONE;                                                     // Ack
        case 5: return f == 4 ? D_FIXED32 : f == 10 ? D_BYTES : f >= 1 && f <= 9 ? D_VARINT : D_NONE;  // Solution
        case 6: return f >= 1 && f <= 12 ? D_VARINT : D_NONE;                                          // SearchStatus
        case 8: return f == 5 ? D_PACKED : f == 6 ? D_FIXED32 : f >= 1 && f <= 7 ? D_VARINT : D_NONE;  // Verdict
        case 15: return f >= 1 && f <= 3 ? D_VARINT : D_NONE;                                          // Error
        default: return D_NONE;
    }
}
}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv, "pb_encoder", "MESSAGES");
    const long messages = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vpb_encoder>(ctx.get());
    uint32_t val[32];
    std::vector<uint32_t> items[32];
    auto tick = [&] {
        const unsigned f = dut->fld_sel, i = dut->item_sel;
        dut->clk = 1;
        dut->eval();
        dut->fld_val = val[f];
        dut->item_val = i < items[f].size() ? items[f][i] : static_cast<uint32_t>(r.next());
        dut->clk = 0;
        dut->eval();
    };
    dut->rst = 1;
    dut->src_valid = 0;
    dut->out_ready = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    Stall ready;
    long bytes_out = 0, kinds[16] = {0};
    const unsigned KINDS[] = {1, 2, 3, 4, 5, 6, 8, 15, 1, 8, 5, 2, 0, 7, 9, 14};
    for (long m = 0; m < messages; m++) {
        const unsigned kind = KINDS[r.below(16)];
        Bytes body;
        bool large = false;
        for (unsigned f = 0; f < 32; f++) {
            val[f] = r.chance(25) ? 0 : r.wide();
            items[f].clear();
            const DevType t = dev_field_type(kind, f);
            if (t == D_BYTES || t == D_PACKED) {
                val[f] = r.chance(15) ? 0 : t == D_BYTES ? (r.chance(10) ? r.below(301) : r.below(20)) : r.below(41);
                if (!large && r.chance(3)) {   // one large field a message at most: payloads stay below 2 KiB
                    val[f] = t == D_BYTES ? 500 + r.below(524) : 200 + r.below(100);
                    large = true;
                }
                for (unsigned k = 0; k < val[f]; k++) items[f].push_back(t == D_BYTES ? static_cast<uint32_t>(r.next()) : r.wide());
            }
        }
        for (unsigned f = 1; f <= 17; f++) {
            const DevType t = dev_field_type(kind, f);
            if (t == D_NONE || val[f] == 0) continue;
            put_key(body, f, t == D_VARINT ? 0 : t == D_FIXED32 ? 5 : 2);
            if (t == D_VARINT) put_varint(body, val[f]);
            else if (t == D_FIXED32) for (int k = 0; k < 4; k++) body.push_back(static_cast<uint8_t>(val[f] >> (8 * k)));
            else if (t == D_BYTES) {
                put_varint(body, val[f]);
                for (uint32_t x : items[f]) body.push_back(static_cast<uint8_t>(x));
            } else {
                Bytes packed;
                for (uint32_t x : items[f]) put_varint(packed, x);
                put_varint(body, packed.size());
                body.insert(body.end(), packed.begin(), packed.end());
            }
        }
        Bytes want;
        put_key(want, kind, 2);
        put_varint(want, body.size());
        want.insert(want.end(), body.begin(), body.end());

        for (unsigned g = r.below(3); g > 0; g--) tick();
        dut->src_valid = 1;
        dut->src_kind = kind;
        Bytes got;
        bool was_waiting = false, changed = false;
        uint8_t held = 0;
        for (long c = 0;; c++) {
            TB_CHECK(c < 100000, "message %ld (kind %u): no src_ready", m, kind);
            dut->out_ready = ready(r);
            dut->eval();
            if (was_waiting) TB_CHECK(dut->out_valid && dut->out_data == held, "message %ld: output changed while stalled", m);
            was_waiting = dut->out_valid && !dut->out_ready;
            held = dut->out_data;
            if (dut->src_ready) {
                TB_CHECK(got.size() == want.size(), "message %ld: src_ready after %zu of %zu bytes", m, got.size(), want.size());
                tick();
                break;
            }
            if (dut->out_valid && dut->out_ready) {
                got.push_back(dut->out_data);
                TB_CHECK(dut->out_last == (got.size() == want.size()), "message %ld: out_last=%d on byte %zu of %zu", m,
                         dut->out_last, got.size(), want.size());
                TB_CHECK(got.size() <= want.size(), "message %ld: more bytes than %zu", m, want.size());
                if (!changed) {   // the payload has begun: live values move on
                    for (unsigned f = 0; f < 32; f++) if (items[f].empty()) val[f] = static_cast<uint32_t>(r.next());
                    changed = true;
                }
            }
            tick();
        }
        dut->src_valid = 0;
        TB_CHECK(got == want, "message %ld (kind %u): %zu bytes, want %zu, first difference at %zu", m, kind, got.size(),
                 want.size(), [&] { size_t k = 0; while (k < got.size() && k < want.size() && got[k] == want[k]) k++; return k; }());
        bytes_out += static_cast<long>(got.size());
        kinds[kind]++;
    }
    tb::write_coverage(ctx.get(), args.coverage);
    std::printf("PASS pb_encoder messages=%ld bytes_out=%ld hello=%ld verdict=%ld solution=%ld\n", messages, bytes_out,
                kinds[1], kinds[8], kinds[5]);
    return 0;
}
