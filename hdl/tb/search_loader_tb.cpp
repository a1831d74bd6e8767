// Standalone testbench of search_loader (docs/search.md, "Wire form"): feeds the two table streams
// of each load from a vector file, with seeded random gaps between bytes and random stalls on
// m_wr_ready, stands in for search_core's tables (every word the loader writes is stored; its
// reads are answered one cycle later from what is stored, a read in a cycle that writes the same
// table returning that RAM's port-A answer: the old word at the write address), and after the
// build compares every stored word of the five sections with the expected ones.
//
// Vector lines (hex bytes and words):
//   load V P C L          a load: cfg sizes; s_begin
//   vars b0 b1 ...        VARS bytes (several lines append)
//   clauses b0 b1 ...     CLAUSES bytes
//   expect S w0 w1 ...    expected words of section S (0..4) from address 0 (several lines append)
//   build                 s_build after the last byte; then the check
// Output per load: `ok CYCLES` (cycles from s_build to idle) or `error ARG` (the loader refused the
// stream: err_arg), or `FAIL ...` (a stored word differs, a word written twice or outside its
// section, or a hang) with exit status 1. Last line: `done LOADS`.
//
// Usage: search_loader_tb VECTORS [STALL_PERCENT [SEED]]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "Vsearch_loader.h"
#include "verilated.h"

namespace {

constexpr unsigned kVW = LOADER_VW, kPW = LOADER_PW, kLW = LOADER_LW;
constexpr uint64_t kHang = 50'000'000;

[[noreturn]] void fail(const std::string& msg) {
    std::printf("FAIL %s\n", msg.c_str());
    std::fflush(stdout);
    std::exit(1);
}

struct Load {
    uint32_t v = 0, p = 0, c = 0, l = 0;
    std::vector<uint8_t> vars, clauses;
    std::map<unsigned, std::vector<uint32_t>> expect;
};

class Bench {
  public:
    Bench(unsigned stall, uint32_t seed) : stall_(stall), rng_(seed | 1), tables_(5), written_(5) {
        top_.clk = 0;
        top_.rst = 1;
        for (int i = 0; i < 4; i++) tick();
        top_.rst = 0;
        tick();
    }

    void run(const Load& ld) {
        tables_.assign(5, {});
        written_.assign(5, {});
        top_.cfg_num_vars = ld.v;
        top_.cfg_num_values = ld.p;
        top_.cfg_num_clauses = ld.c;
        top_.cfg_num_literals = ld.l;
        top_.s_begin = 1;
        tick();
        top_.s_begin = 0;
        tick();
        feed(ld.vars, 0);
        feed(ld.clauses, 1);
        wait_idle("the last byte");
        if (!top_.err) {
            top_.s_build = 1;
            tick();
            top_.s_build = 0;
            uint64_t start = cycles_;
            tick();
            wait_idle("the build");
            if (!top_.err) {
                for (unsigned s = 0; s < 5; s++) {
                    auto it = ld.expect.find(s);
                    const std::vector<uint32_t> none;
                    const auto& want = it == ld.expect.end() ? none : it->second;
                    if (tables_[s].size() > want.size()) fail(section_msg(s, "written past", want.size()));
                    for (size_t a = 0; a < want.size(); a++) {
                        if (a >= tables_[s].size() || !written_[s][a]) fail(section_msg(s, "never written at", a));
                        if (tables_[s][a] != want[a]) {
                            char buf[160];
                            std::snprintf(buf, sizeof buf, "section %u word %zu: loader %08x, host %08x", s, a,
                                          tables_[s][a], want[a]);
                            fail(buf);
                        }
                    }
                }
                std::printf("ok %llu\n", static_cast<unsigned long long>(cycles_ - start));
                return;
            }
        }
        std::printf("error %u\n", top_.err_arg);
    }

  private:
    static std::string section_msg(unsigned s, const char* what, size_t a) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "section %u %s word %zu", s, what, a);
        return buf;
    }

    bool chance() { return stall_ > 0 && next() % 100 < stall_; }
    uint32_t next() {
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 17;
        rng_ ^= rng_ << 5;
        return rng_;
    }

    void feed(const std::vector<uint8_t>& bytes, unsigned section) {
        for (uint8_t b : bytes) {
            while (chance()) tick();
            top_.s_byte_valid = 1;
            top_.s_byte_section = section;
            top_.s_byte_data = b;
            uint64_t t0 = cycles_;
            for (;;) {
                top_.eval();
                bool fire = top_.s_byte_ready;
                tick();
                if (fire) break;
                if (cycles_ - t0 > kHang) fail("a byte never taken");
            }
            top_.s_byte_valid = 0;
        }
    }

    void wait_idle(const char* what) {
        uint64_t t0 = cycles_;
        for (;;) {
            top_.eval();
            if (top_.idle) return;
            tick();
            if (cycles_ - t0 > kHang) fail(std::string("not idle after ") + what);
        }
    }

    uint32_t stored(unsigned s, uint32_t a) const { return a < tables_[s].size() ? tables_[s][a] : 0; }

    // The RAM words as search_tables keeps them (the fields the core reads).
    uint32_t va_word(uint32_t a) const {
        uint32_t w = stored(0, a);
        return ((w >> 24) << kPW) | (w & ((1u << kPW) - 1));
    }
    uint32_t cl_word(uint32_t a) const {
        uint32_t w = stored(1, a);
        return ((w >> 24) << kLW) | (w & ((1u << kLW) - 1));
    }
    uint32_t li_word(uint32_t a) const {
        uint32_t w = stored(2, a);
        return ((w >> 31) << (kVW + 8)) | (((w >> 8) & ((1u << kVW) - 1)) << 8) | (w & 0xFF);
    }

    void tick() {
        top_.m_wr_ready = chance() ? 0 : 1;
        top_.eval();
        bool wr = top_.m_wr_valid && top_.m_wr_ready;
        unsigned ws = top_.m_wr_section;
        uint32_t wa = top_.m_wr_addr, wd = top_.m_wr_data;
        uint32_t ra_va = top_.rd_va_addr, ra_cl = top_.rd_cl_addr, ra_li = top_.rd_li_addr;
        // Port A of each table: a write takes the port, and the read returns the old word there.
        uint32_t q_va = va_word(wr && ws == 0 ? wa : ra_va);
        uint32_t q_cl = cl_word(wr && ws == 1 ? wa : ra_cl);
        uint32_t q_li = li_word(wr && ws == 2 ? wa : ra_li);
        if (wr) {
            if (ws > 4) fail("a write to section " + std::to_string(ws));
            if (wa > 1'000'000) fail("a write far out of range");
            if (tables_[ws].size() <= wa) {
                tables_[ws].resize(wa + 1, 0);
                written_[ws].resize(wa + 1, false);
            }
            if (written_[ws][wa]) fail(section_msg(ws, "written twice at", wa));
            tables_[ws][wa] = wd;
            written_[ws][wa] = true;
        }
        top_.clk = 1;
        top_.eval();
        top_.rd_va_q = q_va;
        top_.rd_cl_q = q_cl;
        top_.rd_li_q = q_li;
        top_.clk = 0;
        top_.eval();
        cycles_++;
    }

    Vsearch_loader top_;
    unsigned stall_;
    uint32_t rng_;
    uint64_t cycles_ = 0;
    std::vector<std::vector<uint32_t>> tables_;
    std::vector<std::vector<bool>> written_;
};

std::vector<uint32_t> hex_list(std::istringstream& in) {
    std::vector<uint32_t> out;
    std::string t;
    while (in >> t) out.push_back(static_cast<uint32_t>(std::stoul(t, nullptr, 16)));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s VECTORS [STALL_PERCENT [SEED]]\n", argv[0]);
        return 2;
    }
    std::ifstream file(argv[1]);
    if (!file) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    unsigned stall = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
    uint32_t seed = argc > 3 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 1;
    Bench bench(stall, seed);
    Load ld;
    unsigned loads = 0;
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream in(line);
        std::string op;
        if (!(in >> op)) continue;
        if (op == "load") {
            ld = Load();
            in >> ld.v >> ld.p >> ld.c >> ld.l;
        } else if (op == "vars") {
            for (uint32_t b : hex_list(in)) ld.vars.push_back(static_cast<uint8_t>(b));
        } else if (op == "clauses") {
            for (uint32_t b : hex_list(in)) ld.clauses.push_back(static_cast<uint8_t>(b));
        } else if (op == "expect") {
            unsigned s;
            in >> s;
            auto words = hex_list(in);
            auto& dst = ld.expect[s];
            dst.insert(dst.end(), words.begin(), words.end());
        } else if (op == "build") {
            bench.run(ld);
            loads++;
        } else {
            fail("unknown vector line: " + line);
        }
    }
    std::printf("done %u\n", loads);
    return 0;
}
