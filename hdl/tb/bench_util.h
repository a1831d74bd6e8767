// Pieces the validator benches share (engine_tb.cpp, word_decoder_tb.cpp): hex vector data, the
// command line `BENCH VECTORS [STALL_PERCENT [SEED]]`, a clock cycle, and the seeded stalls of
// the handshakes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace bench {

// "0a1b..." to bytes; "-" is no bytes.
inline std::vector<uint8_t> parse_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    if (hex == "-") return out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
}

struct Args {
    const char* vectors;
    unsigned stall_percent;
    uint32_t seed;
};

// Reads the command line; false (after the usage line) when the vector file is missing.
inline bool parse_args(int argc, char** argv, const char* name, Args& args) {
    if (argc < 2) {
        std::cerr << "usage: " << name << " VECTORS [STALL_PERCENT [SEED]]\n";
        return false;
    }
    args.vectors = argv[1];
    args.stall_percent = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
    args.seed = argc > 3 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 1;
    return true;
}

// One clock cycle of a Verilated top with a `clk` input: a rising and a falling edge.
template <class Top>
void tick(Top& top) {
    top.clk = 1;
    top.eval();
    top.clk = 0;
    top.eval();
}

// A handshake held off in `percent` of the cycles, from a xorshift stream of `seed`.
class Stall {
  public:
    Stall(unsigned percent, uint32_t seed) : percent_(percent), rng_(seed | 1) {}
    bool operator()() {
        if (percent_ == 0) return false;
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 17;
        rng_ ^= rng_ << 5;
        return rng_ % 100 < percent_;
    }

  private:
    unsigned percent_;
    uint32_t rng_;
};

}  // namespace bench
