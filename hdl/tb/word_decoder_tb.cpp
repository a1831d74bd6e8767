// Testbench of validator_word_decoder: reads byte streams (words sections in the wire encoding)
// from a vector file, drives each through the decoder's s_* port after a `clear`, takes the words
// from its m_* port, and prints one line per event. Seeded random stalls hold back s_valid and
// m_ready, so both handshakes are exercised; the bench checks R1 on the m_* port itself (m_word
// held while m_valid waits). test/word-decoder-tb.test.ts writes the vectors and compares the
// words with the host's encoder and decoder (src/model/isa.ts).
//
// Vector lines:  section <hex bytes or ->
// Output lines:  word <16 hex digits>     a word, in order
//                err <bytes taken>        m_err rose after that many bytes of the section
//                end <at_header>          the section's bytes are all in, the decoder idle
// Last line:     done <cycles>
//
// Usage: word_decoder_tb VECTORS [STALL_PERCENT [SEED]]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "Vvalidator_word_decoder.h"
#include "bench_util.h"
#include "verilated.h"

namespace {

class Bench {
  public:
    Bench(unsigned stall_percent, uint32_t seed) : stall_(stall_percent, seed) {
        top_.clk = 0;
        top_.clear = 1;
        top_.s_valid = 0;
        top_.m_ready = 0;
        tick();
        top_.clear = 0;
    }

    // One section: clear, every byte in, every word out. False when the bench saw a fault.
    bool run(const std::vector<uint8_t>& bytes) {
        top_.clear = 1;
        top_.s_valid = 0;
        top_.m_ready = 0;
        tick();
        top_.clear = 0;
        size_t next = 0;
        bool err_seen = false;
        bool holding = false;
        uint64_t held = 0;
        for (unsigned idle = 0; idle < 8;) {
            top_.s_valid = next < bytes.size() && !stall();
            top_.s_data = next < bytes.size() ? bytes[next] : 0;
            top_.m_ready = !stall();
            top_.eval();
            if (holding && top_.m_word != held) {
                std::printf("fault m_word changed while m_valid waited\n");
                return false;
            }
            const bool s_fire = top_.s_valid && top_.s_ready;
            const bool m_fire = top_.m_valid && top_.m_ready;
            holding = top_.m_valid && !top_.m_ready;
            held = top_.m_word;
            if (m_fire) std::printf("word %016llx\n", static_cast<unsigned long long>(top_.m_word));
            tick();
            if (s_fire) next++;
            if (top_.m_err && !err_seen) {
                err_seen = true;
                std::printf("err %zu\n", next);
            }
            const bool busy = next < bytes.size() || top_.m_valid || !top_.idle;
            idle = busy ? 0 : idle + 1;
        }
        std::printf("end %u\n", static_cast<unsigned>(top_.at_header));
        return true;
    }

    uint64_t cycles() const { return cycles_; }

  private:
    bool stall() { return stall_(); }

    void tick() {
        bench::tick(top_);
        cycles_++;
    }

    Vvalidator_word_decoder top_;
    bench::Stall stall_;
    uint64_t cycles_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    bench::Args args{};
    if (!bench::parse_args(argc, argv, "word_decoder_tb", args)) return 2;
    std::ifstream in(args.vectors);
    if (!in) {
        std::cerr << "word_decoder_tb: cannot read vectors from " << args.vectors << "\n";
        return 2;
    }
    Bench bench(args.stall_percent, args.seed);
    std::string tag, hex;
    while (in >> tag >> hex) {
        if (tag != "section") {
            std::cerr << "word_decoder_tb: bad vector line: " << tag << " " << hex << "\n";
            return 2;
        }
        if (!bench.run(bench::parse_hex(hex))) return 1;
    }
    std::printf("done %llu\n", static_cast<unsigned long long>(bench.cycles()));
    return 0;
}
