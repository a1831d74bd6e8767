// Bench of search_clause_check (the on-chip proof of a state against the search tables): random
// variable sizes, clause tables and assignments, the RAMs modelled with registered reads, the
// result compared with a recount in C++ (every value within its size, every clause true), the
// cycles with the documented bound (num_vars + num_literals + num_clauses + 6), the result
// handshake stalled at random, and a reset in the middle of some checks.
//   Vsearch_clause_check COUNT SEED      the last line is PASS or FAIL
// Built with MAX_VARS 256, MAX_VALUES 1024, MAX_CLAUSES 512, MAX_LITERALS 4096 (hdl/tb/Makefile),
// so clause starts near the end of LITERALS wrap as the RAM's address does.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "Vsearch_clause_check.h"
#include "bench_util.h"
#include "verilated.h"

namespace {

constexpr unsigned VW = 8, PW = 10, CW = 9, LW = 12;
constexpr unsigned MAX_CLAUSES = 1u << CW, MAX_LITERALS = 1u << LW, MAX_VARS = 1u << VW;

struct Rng {
    uint32_t s;
    uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
    uint32_t below(uint32_t n) { return n == 0 ? 0 : next() % n; }
};

struct Literal {
    bool neg;
    uint32_t var;
    uint8_t value;
};

struct Case {
    std::vector<uint32_t> clauses;    // CLAUSES words: start | (length - 1) << LW
    std::vector<Literal> literals;    // MAX_LITERALS entries
    std::vector<uint8_t> val;         // MAX_VARS entries
    std::vector<uint8_t> size_m1;     // MAX_VARS entries: size - 1 (VARS[PW+7:PW])
    uint32_t num_vars = 0;
    uint32_t num_clauses = 0;
    uint32_t num_literals = 0;        // literals the clauses cover (the cycle bound's term)
};

bool truth(const Literal& l, const std::vector<uint8_t>& val) {
    return (val[l.var % MAX_VARS] == l.value) != l.neg;
}

bool recount(const Case& c) {
    for (uint32_t x = 0; x < c.num_vars; x++)
        if (c.val[x] > c.size_m1[x]) return false;
    for (uint32_t i = 0; i < c.num_clauses; i++) {
        uint32_t start = c.clauses[i] & (MAX_LITERALS - 1), len = (c.clauses[i] >> LW) + 1;
        bool sat = false;
        for (uint32_t k = 0; k < len; k++) sat = sat || truth(c.literals[(start + k) % MAX_LITERALS], c.val);
        if (!sat) return false;
    }
    return true;
}

// A random case: the clauses back to back (as the host writes them) or at random starts; the
// assignment made to satisfy every clause, then with luck one clause made false.
Case make_case(Rng& rng) {
    Case c;
    c.literals.resize(MAX_LITERALS);
    c.val.resize(MAX_VARS);
    c.size_m1.resize(MAX_VARS);
    uint32_t vars = 1 + rng.below(MAX_VARS);
    c.num_vars = rng.below(16) == 0 ? 0 : vars;
    for (uint32_t x = 0; x < MAX_VARS; x++) {
        c.size_m1[x] = static_cast<uint8_t>(rng.below(8) == 0 ? rng.below(256) : 3 + rng.below(5));
        c.val[x] = static_cast<uint8_t>(rng.below(x < vars ? 1 + rng.below(4) : 256));
    }
    for (auto& l : c.literals) l = {rng.below(2) == 1, rng.below(vars), static_cast<uint8_t>(rng.below(4))};
    uint32_t shape = rng.below(8);
    c.num_clauses = shape == 0 ? 0 : shape == 1 ? MAX_CLAUSES : 1 + rng.below(64);
    bool packed = rng.below(3) != 0;
    uint32_t next = packed ? rng.below(MAX_LITERALS) : 0;
    for (uint32_t i = 0; i < c.num_clauses; i++) {
        uint32_t len = rng.below(20) == 0 ? 200 + rng.below(57) : 1 + rng.below(shape == 1 ? 3 : 6);
        uint32_t start = packed ? next : rng.below(MAX_LITERALS);
        next = (start + len) % MAX_LITERALS;
        c.clauses.push_back(start | (len - 1) << LW);
        c.num_literals += len;
    }
    c.clauses.resize(MAX_CLAUSES, 0);
    // Satisfy every clause through one of its literals, unless a later clause undoes it.
    if (rng.below(4) != 0) {
        for (uint32_t i = 0; i < c.num_clauses; i++) {
            uint32_t start = c.clauses[i] & (MAX_LITERALS - 1), len = (c.clauses[i] >> LW) + 1;
            Literal& l = c.literals[(start + rng.below(len)) % MAX_LITERALS];
            if (!l.neg) c.val[l.var] = l.value;
            else if (c.val[l.var] == l.value) c.val[l.var] = static_cast<uint8_t>(l.value + 1);
        }
    }
    // Then falsify a random clause's every literal (when the literals allow it).
    if (c.num_clauses > 0 && rng.below(3) == 0) {
        uint32_t i = rng.below(c.num_clauses);
        uint32_t start = c.clauses[i] & (MAX_LITERALS - 1), len = (c.clauses[i] >> LW) + 1;
        for (uint32_t k = 0; k < len; k++) {
            Literal& l = c.literals[(start + k) % MAX_LITERALS];
            l.neg = true;
            l.var = c.literals[start % MAX_LITERALS].var;
            l.value = c.val[l.var];
        }
    }
    // Now and then a value out of its variable's range (or exactly at its end).
    if (c.num_vars > 0 && rng.below(6) == 0) {
        uint32_t x = rng.below(c.num_vars);
        c.val[x] = static_cast<uint8_t>(c.size_m1[x] + (rng.below(2) == 0 ? 0 : 1 + rng.below(255 - c.size_m1[x] + 1)));
    }
    return c;
}

class Bench {
  public:
    explicit Bench(uint32_t seed) : stall_(30, seed ^ 0x5bd1e995u) {
        top_.rst = 1;
        top_.s_valid = 0;
        top_.m_ready = 0;
        top_.num_clauses = 0;
        top_.num_vars = 0;
        for (int i = 0; i < 4; i++) cycle(nullptr);
        top_.rst = 0;
        cycle(nullptr);
    }

    // One clock edge with the RAMs' registered reads of the addresses on offer before it.
    void cycle(const Case* c) {
        top_.eval();
        uint32_t a_va = top_.va_addr, a_cl = top_.cl_addr, a_li = top_.li_addr, a_val = top_.val_addr;
        bench::tick(top_);
        if (c) {
            top_.va_q = static_cast<uint32_t>(c->size_m1[a_va % MAX_VARS]) << PW | ((a_va * 7) & ((1u << PW) - 1));
            top_.cl_q = c->clauses[a_cl % MAX_CLAUSES];
            const Literal& l = c->literals[a_li % MAX_LITERALS];
            top_.li_q = (static_cast<uint32_t>(l.neg) << (VW + 8)) | (l.var % MAX_VARS) << 8 | l.value;
            top_.val_q = c->val[a_val % MAX_VARS];
        }
        top_.eval();
        cycles_++;
    }

    // Runs one check; false (with a message) on a wrong result, a broken bound or a hang.
    bool check(const Case& c, bool reset_midway, Rng& rng) {
        top_.num_clauses = c.num_clauses;
        top_.num_vars = c.num_vars;
        top_.s_valid = 1;
        top_.eval();
        if (!top_.s_ready) return fail("not ready while idle");
        cycle(&c);
        top_.s_valid = 0;
        uint64_t started = cycles_;
        uint64_t bound = c.num_vars + c.num_literals + c.num_clauses + 6;
        uint64_t abort_at = reset_midway ? started + rng.below(static_cast<uint32_t>(bound)) : UINT64_MAX;
        while (true) {
            top_.eval();
            if (cycles_ >= abort_at) {
                top_.rst = 1;
                cycle(&c);
                top_.rst = 0;
                top_.eval();
                if (!top_.s_ready || top_.m_valid || top_.busy) return fail("not idle after a reset");
                return true;
            }
            if (top_.m_valid) break;
            if (!top_.busy) return fail("neither busy nor done during a check");
            if (cycles_ - started > bound) return fail("over the cycle bound");
            cycle(&c);
        }
        bool want = recount(c);
        if (static_cast<bool>(top_.m_ok) != want) return fail(want ? "refused a satisfying state" : "accepted a false clause");
        // The result is held until taken.
        while (stall_()) {
            cycle(&c);
            if (!top_.m_valid || static_cast<bool>(top_.m_ok) != want) return fail("result not held");
        }
        top_.m_ready = 1;
        cycle(&c);
        top_.m_ready = 0;
        top_.eval();
        if (top_.m_valid || !top_.s_ready) return fail("not idle after the result was taken");
        return true;
    }

  private:
    bool fail(const char* why) {
        std::cout << "FAIL: " << why << "\n";
        return false;
    }
    Vsearch_clause_check top_;
    bench::Stall stall_;
    uint64_t cycles_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: Vsearch_clause_check COUNT SEED\n";
        return 2;
    }
    Verilated::commandArgs(argc, argv);
    unsigned count = static_cast<unsigned>(std::atoi(argv[1]));
    Rng rng{static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) * 2 + 1};
    Bench bench(rng.s);
    unsigned ok = 0, refused = 0, resets = 0;
    for (unsigned i = 0; i < count; i++) {
        Case c = make_case(rng);
        bool reset_midway = rng.below(16) == 0 && c.num_literals + c.num_vars > 0;
        if (!bench.check(c, reset_midway, rng)) {
            std::cout << "case " << i << ": " << c.num_clauses << " clauses, " << c.num_literals << " literals\nFAIL\n";
            return 1;
        }
        if (reset_midway) resets++;
        else if (recount(c)) ok++;
        else refused++;
    }
    std::cout << count << " checks: " << ok << " satisfied, " << refused << " refused, " << resets << " reset midway\nPASS\n";
    return 0;
}
