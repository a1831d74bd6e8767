// pb_decoder bench: random HostMessage payloads (tb::random_host_message: every body kind,
// fields in any order, repeated and merged bodies, unknown fields of every wire type at both
// levels, varints padded up to 10 bytes, wrong wire types; a fifth of them damaged, some pure
// noise) in a slot read with one cycle of latency, bytes past the payload random. Each result
// (error, kind, f1..f6, the bytes field's place) must equal tb::decode_host's, the reference
// decoder written from the rules in pb_decoder.v's header, and `done` must come within
// 4 cycles a byte + 3.
//   Vpb_decoder MESSAGES SEED [COVERAGE_FILE]
#include "Vpb_decoder.h"
#include "link_tb.h"

#include <memory>

using namespace tb;

int main(int argc, char** argv) {
    constexpr unsigned MAX_PAYLOAD = 512;
    const Args args = parse_args(argc, argv, "pb_decoder", "MESSAGES");
    const long messages = args.count;
    Rng r(args.seed);
    auto ctx = std::make_unique<VerilatedContext>();
    auto dut = std::make_unique<Vpb_decoder>(ctx.get());
    Bytes mem(MAX_PAYLOAD);
    auto tick = [&] {
        const unsigned addr = dut->rd_addr;
        dut->clk = 1;
        dut->eval();
        dut->rd_data = mem[addr % MAX_PAYLOAD];
        dut->clk = 0;
        dut->eval();
    };
    dut->rst = 1;
    dut->start = 0;
    dut->clk = 0;
    tick();
    tick();
    dut->rst = 0;
    long errors = 0, kinds[17] = {0}, bytes_fields = 0;
    for (long m = 0; m < messages; m++) {
        Bytes p = random_host_message(r, MAX_PAYLOAD);
        if (r.chance(1)) {   // a long message: one body with a large bytes field
            p.clear();
            Bytes body;
            put_key(body, 1, 0);
            put_varint(body, r.wide());
            if (r.chance(50)) {   // an unknown field first, so the bytes field starts past 256
                put_key(body, 9, 2);
                put_varint(body, 260);
                const Bytes pad = r.bytes(260);
                body.insert(body.end(), pad.begin(), pad.end());
            }
            put_key(body, 2, 2);
            unsigned n = body.size() > 256 ? 20 + r.below(200) : 300 + r.below(190);
            if (r.chance(50)) n = MAX_PAYLOAD - 5 - static_cast<unsigned>(body.size());   // fills the slot
            put_varint(body, n);
            const Bytes data = r.bytes(n);
            body.insert(body.end(), data.begin(), data.end());
            put_key(p, 2, 2);
            put_varint(p, body.size());
            p.insert(p.end(), body.begin(), body.end());
        }
        const Decoded want = decode_host(p);
        mem = r.bytes(MAX_PAYLOAD);
        std::copy(p.begin(), p.end(), mem.begin());
        for (unsigned g = r.below(3); g > 0; g--) tick();
        dut->start = 1;
        dut->len = static_cast<uint16_t>(p.size());
        tick();
        dut->start = 0;
        dut->len = static_cast<uint16_t>(r.below(MAX_PAYLOAD));
        long c = 1;
        while (!dut->done) {
            tick();
            TB_CHECK(++c <= 4 * static_cast<long>(p.size()) + 4, "message %ld (%zu bytes): no done after %ld cycles", m,
                     p.size(), c);
        }
        Decoded got;
        got.error = dut->error;
        got.kind = dut->kind;
        const uint32_t f[7] = {0, dut->f1, dut->f2, dut->f3, dut->f4, dut->f5, dut->f6};
        for (int i = 1; i <= 6; i++) got.f[i] = f[i];
        got.bytes_off = dut->bytes_off;
        got.bytes_len = dut->bytes_len;
        if (!(got == want)) {
            std::string hex;
            for (uint8_t b : p) { char h[4]; std::snprintf(h, sizeof h, "%02x", b); hex += h; }
            fail("message %ld %s: rtl %s, model %s", m, hex.c_str(), got.str().c_str(), want.str().c_str());
        }
        errors += want.error;
        kinds[want.kind]++;
        bytes_fields += want.bytes_len > 0;
    }
    tb::write_coverage(ctx.get(), args.coverage);
    int kinds_seen = 0;
    for (int k = 1; k <= 16; k++) kinds_seen += kinds[k] > 0;
    std::printf("PASS pb_decoder messages=%ld malformed=%ld no_body=%ld kinds=%d bytes_fields=%ld\n", messages, errors,
                kinds[0], kinds_seen, bytes_fields);
    return 0;
}
