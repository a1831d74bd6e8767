// Shared parts of the link-block benches (hdl/tb/*_tb.cpp): a seeded random source, the link's
// reference models written from the protocol rather than from the RTL (CRC-32, COBS as
// src/link/cobs.ts, protobuf varints, a HostMessage wire-format decoder with pb_decoder.v's
// documented rules), failure reporting and the toggle-coverage file.
// Every bench prints `PASS <block> <what was checked>` as its last line and exits 0, or prints
// `FAIL <block> ...` and exits 1 at the first disagreement.
#pragma once

#include <verilated.h>
#if VM_COVERAGE
#include <verilated_cov.h>
#endif

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"

namespace tb {

using Bytes = std::vector<uint8_t>;

inline const char* g_block = "block";

[[noreturn]] inline void fail(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::printf("FAIL %s ", g_block);
    std::vprintf(fmt, ap);
    std::printf("\n");
    va_end(ap);
    std::fflush(stdout);
    std::exit(1);
}

#define TB_CHECK(cond, ...) \
    do {                    \
        if (!(cond)) ::tb::fail(__VA_ARGS__); \
    } while (0)

struct Rng {
    std::mt19937_64 gen;
    explicit Rng(uint64_t seed) : gen(seed) {}
    uint64_t next() { return gen(); }
    /** Uniform in 0..n-1 (n > 0). */
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(gen() % n); }
    /** True with probability pct / 100. */
    bool chance(unsigned pct) { return below(100) < pct; }
    uint8_t byte() { return static_cast<uint8_t>(gen()); }
    /** A value whose bit length is uniform in 0..32, so every varint size occurs. */
    uint32_t wide() {
        const unsigned bits = below(33);
        return bits == 0 ? 0 : static_cast<uint32_t>(gen() & ((bits == 32 ? 0xffffffffull : (1ull << bits) - 1)));
    }
    Bytes bytes(size_t n, unsigned zero_pct = 0) {
        Bytes b(n);
        for (auto& x : b) x = chance(zero_pct) ? 0 : byte();
        return b;
    }
};

/** A ready/valid stall pattern that changes its probability now and then (always, often, rarely). */
struct Stall {
    unsigned pct = 100;
    bool operator()(Rng& r) {
        if (r.chance(1)) pct = (const unsigned[]){100, 100, 70, 30, 5}[r.below(5)];
        return r.chance(pct);
    }
};

inline uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return ~c;
}
inline uint32_t crc32(const Bytes& b) { return crc32(b.data(), b.size()); }

/** payload || CRC-32 little-endian, as the link frames it. */
inline Bytes with_crc(const Bytes& payload) {
    Bytes f = payload;
    const uint32_t c = crc32(payload);
    for (int k = 0; k < 4; k++) f.push_back(static_cast<uint8_t>(c >> (8 * k)));
    return f;
}

/** COBS as src/link/cobs.ts: no 0x00 in the result, no delimiter, no empty block after a full one at the end. */
inline Bytes cobs_encode(const Bytes& data) {
    Bytes out{0};
    size_t code_at = 0;
    uint8_t code = 1;
    for (size_t i = 0; i < data.size(); i++) {
        if (data[i] == 0) {
            out[code_at] = code;
            code_at = out.size();
            out.push_back(0);
            code = 1;
            continue;
        }
        out.push_back(data[i]);
        if (++code == 0xff) {
            out[code_at] = code;
            if (i == data.size() - 1) return out;
            code_at = out.size();
            out.push_back(0);
            code = 1;
        }
    }
    out[code_at] = code;
    return out;
}

inline void put_varint(Bytes& b, uint64_t v) {
    do {
        uint8_t x = v & 0x7f;
        v >>= 7;
        b.push_back(static_cast<uint8_t>(x | (v ? 0x80 : 0)));
    } while (v);
}
inline void put_key(Bytes& b, uint32_t field, unsigned wire) { put_varint(b, (uint64_t{field} << 3) | wire); }
/** A varint padded to `n` bytes (1..10) with continuation bytes, as proto decoders must accept. */
inline void put_long_varint(Bytes& b, uint64_t v, unsigned n) {
    for (unsigned k = 0; k < n; k++) {
        uint8_t x = v & 0x7f;
        v >>= 7;
        b.push_back(static_cast<uint8_t>(x | (k + 1 < n ? 0x80 : 0)));
    }
}

// ---- HostMessage wire format (proto/link.proto), the rules pb_decoder.v states ----
enum FieldType { T_NONE, T_VARINT, T_FIXED32, T_BYTES };

/** Type of field f of HostMessage body kind k (1..16), from proto/link.proto. */
inline FieldType host_field_type(unsigned k, unsigned f) {
    switch (k) {
        case 1: return f == 1 || f == 2 ? T_VARINT : T_NONE;                          // Hello
        case 2: return f == 1 ? T_VARINT : f == 2 ? T_BYTES : T_NONE;                 // Echo
        case 3: case 4: case 7: case 11: case 14: case 15:                            // one varint (+ fixed32)
            return f == 1 ? T_VARINT : (f == 2 && (k == 7 || k == 11)) ? T_FIXED32 : T_NONE;
        case 5: case 9: return f >= 1 && f <= 5 ? T_VARINT : T_NONE;                  // ProgramBegin, SearchBegin
        case 6: case 10: return f >= 1 && f <= 3 ? T_VARINT : f == 4 ? T_BYTES : T_NONE;  // chunks
        case 8: case 12: return f == 1 || f == 2 ? T_VARINT : f == 3 ? T_BYTES : T_NONE; // Candidate, Prior
        case 13: return f >= 1 && f <= 6 ? T_VARINT : T_NONE;                         // SearchStart
        case 16: return f == 1 || f == 2 ? T_VARINT : T_NONE;                         // SetBaud
        default: return T_NONE;
    }
}

/** What pb_decoder reports for a payload. */
struct Decoded {
    bool error = false;
    unsigned kind = 0;
    uint32_t f[7] = {0, 0, 0, 0, 0, 0, 0};   // f[1..6]
    unsigned bytes_off = 0, bytes_len = 0;
    bool operator==(const Decoded& o) const {
        for (int i = 1; i <= 6; i++) if (f[i] != o.f[i]) return false;
        return error == o.error && kind == o.kind && bytes_off == o.bytes_off && bytes_len == o.bytes_len;
    }
    std::string str() const {
        char s[200];
        std::snprintf(s, sizeof s, "error=%d kind=%u f=%u,%u,%u,%u,%u,%u bytes=%u+%u", error, kind, f[1], f[2], f[3],
                      f[4], f[5], f[6], bytes_off, bytes_len);
        return s;
    }
};

/**
 * Reference decoder: a top-level field 1..16 of wire type 2 is a body (the same kind again merges
 * into it, another replaces it); inside, the schema's fields are stored (the last value wins) and
 * the bytes field's place is kept; unknown fields of wire types 0, 1, 2, 5 are skipped at both
 * levels; a truncated field, a length past its message's end, an 11-byte varint, field 0, wire
 * types 3, 4, 6, 7 or a known field of the wrong type is an error, which keeps what was decoded
 * before it. Varints are taken mod 2^32; field numbers from the low 32 bits of the key.
 */
inline Decoded decode_host(const Bytes& p) {
    Decoded d;
    size_t pos = 0;
    auto varint = [&](size_t end, uint32_t& v) {
        uint64_t acc = 0;
        for (unsigned n = 0; n < 10; n++) {
            if (pos >= end) return false;
            const uint8_t b = p[pos++];
            if (n < 5) acc |= uint64_t{b & 0x7fu} << (7 * n);
            if (!(b & 0x80)) {
                v = static_cast<uint32_t>(acc);
                return true;
            }
        }
        return false;   // an 11th byte would follow
    };
    // Reads fields up to `end`; inside a body when `body`. Returns false on an error.
    auto fields = [&](size_t end, bool body, auto& self) -> bool {
        while (pos < end) {
            uint32_t key;
            if (!varint(end, key)) return false;
            const uint32_t field = key >> 3;
            const unsigned wire = key & 7;
            if (field == 0) return false;
            FieldType t = T_NONE;
            if (field < 32) {
                if (!body) t = field <= 16 ? T_BYTES : T_NONE;
                else t = field < 8 ? host_field_type(d.kind, field) : T_NONE;
            }
            uint32_t v = 0;
            auto skip = [&](uint32_t n) {
                if (n > end - pos) return false;
                pos += n;
                return true;
            };
            switch (wire) {
                case 0:
                    if (t != T_NONE && t != T_VARINT) return false;
                    if (!varint(end, v)) return false;
                    if (t == T_VARINT) d.f[field] = v;
                    break;
                case 1:
                    if (t != T_NONE || !skip(8)) return false;
                    break;
                case 2: {
                    if (t != T_NONE && t != T_BYTES) return false;
                    if (!varint(end, v) || v > end - pos) return false;
                    if (t == T_BYTES && !body) {
                        if (field != d.kind) d = Decoded{false, field};
                        if (!self(pos + v, true, self)) return false;
                    } else {
                        if (t == T_BYTES) {
                            d.bytes_off = static_cast<unsigned>(pos);
                            d.bytes_len = v;
                        }
                        pos += v;
                    }
                    break;
                }
                case 5:
                    if (t == T_FIXED32) {
                        if (end - pos < 4) return false;
                        d.f[field] = p[pos] | p[pos + 1] << 8 | p[pos + 2] << 16 | uint32_t{p[pos + 3]} << 24;
                        pos += 4;
                    } else if (t != T_NONE || !skip(4)) return false;
                    break;
                default: return false;
            }
        }
        return true;
    };
    if (!fields(p.size(), false, fields)) d.error = true;
    return d;
}

/** A random HostMessage-like payload: mostly well formed (any kind, fields in any order, repeats,
 *  unknown fields, long varints, merged bodies), sometimes damaged or pure noise. */
inline Bytes random_host_message(Rng& r, size_t max_len) {
    Bytes p;
    auto scalar = [&](Bytes& b, uint32_t field, FieldType t) {
        if (t == T_FIXED32) {
            put_key(b, field, 5);
            const uint32_t v = r.wide();
            for (int k = 0; k < 4; k++) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
        } else if (t == T_BYTES) {
            put_key(b, field, 2);
            const Bytes data = r.bytes(r.chance(10) ? r.below(200) : r.below(12), 20);
            put_varint(b, data.size());
            b.insert(b.end(), data.begin(), data.end());
        } else {
            put_key(b, field, 0);
            const uint64_t v = r.chance(10) ? r.next() : r.wide();
            if (r.chance(10)) put_long_varint(b, v & 0xffffffffu, 5 + r.below(6));
            else put_varint(b, v);
        }
    };
    auto unknown = [&](Bytes& b, bool body) {
        const uint32_t field = body ? 8 + r.below(r.chance(50) ? 24 : 1000) : 17 + r.below(r.chance(50) ? 15 : 1000);
        switch (r.below(4)) {
            case 0: put_key(b, field, 0); put_varint(b, r.wide()); break;
            case 1: put_key(b, field, 1); for (int k = 0; k < 8; k++) b.push_back(r.byte()); break;
            case 2: { put_key(b, field, 2); const Bytes x = r.bytes(r.below(6)); put_varint(b, x.size());
                      b.insert(b.end(), x.begin(), x.end()); break; }
            default: put_key(b, field, 5); for (int k = 0; k < 4; k++) b.push_back(r.byte()); break;
        }
    };
    const unsigned mode = r.below(100);
    if (mode < 8) return r.bytes(r.below(static_cast<uint32_t>(max_len < 40 ? max_len : 40) + 1), 10);
    const unsigned bodies = r.chance(85) ? 1 : r.below(3);
    unsigned kind = 1 + r.below(16);
    for (unsigned b = 0; b < bodies; b++) {
        if (r.chance(30)) unknown(p, false);
        if (b > 0 && r.chance(50)) kind = 1 + r.below(16);
        Bytes body;
        const unsigned n = r.below(7);
        for (unsigned k = 0; k < n; k++) {
            if (r.chance(15)) { unknown(body, true); continue; }
            const uint32_t f = 1 + r.below(r.chance(95) ? 6 : 7);
            FieldType t = host_field_type(kind, f);
            if (t == T_NONE || r.chance(3)) t = static_cast<FieldType>(1 + r.below(3));   // wrong type sometimes
            scalar(body, f, t);
        }
        put_key(p, kind, 2);
        put_varint(p, body.size());
        p.insert(p.end(), body.begin(), body.end());
    }
    if (r.chance(10)) unknown(p, false);
    if (mode < 20 && !p.empty()) {   // damage: truncate, flip, insert
        switch (r.below(3)) {
            case 0: p.resize(r.below(static_cast<uint32_t>(p.size()))); break;
            case 1: p[r.below(static_cast<uint32_t>(p.size()))] ^= static_cast<uint8_t>(1 + r.below(255)); break;
            default: p.insert(p.begin() + r.below(static_cast<uint32_t>(p.size())), r.byte()); break;
        }
    }
    if (p.size() > max_len) p.resize(max_len);
    return p;
}

/** A bench's command line, `VBLOCK COUNT SEED [COVERAGE_FILE]`; a wrong one exits 2 with the usage. */
struct Args {
    long count;
    uint64_t seed;
    const char* coverage;   // nullptr: none written
};
inline Args parse_args(int argc, char** argv, const char* block, const char* count_name) {
    g_block = block;
    if (argc < 3 || argc > 4 || std::atol(argv[1]) < 1) {
        std::fprintf(stderr, "usage: V%s %s SEED [COVERAGE_FILE]\n", block, count_name);
        std::exit(2);
    }
    return {std::atol(argv[1]), std::strtoull(argv[2], nullptr, 10), argc > 3 ? argv[3] : nullptr};
}


/** Writes the toggle-coverage counts to `path` (a bench built with --coverage-toggle). */
inline void write_coverage(VerilatedContext* ctx, const char* path) {
#if VM_COVERAGE
    if (path && *path) ctx->coveragep()->write(path);
#else
    (void)ctx;
    (void)path;
#endif
}

}  // namespace tb
