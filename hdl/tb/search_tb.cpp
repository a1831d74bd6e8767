// Standalone testbench of search_core (docs/search.md): reads a script of table writes, prior
// writes and commands from a vector file, drives the core with seeded random stalls on the
// s_wr, s_cmd and m_sol handshakes, and prints one line per event.
//
// With `check 1` the core runs single-step (dbg_step): after every restart and every flip the
// bench recounts, from the tables it wrote and the assignment it reads through the debug port,
// every clause's ntrue and crit, every brk_all and brk_ne, the unsatisfied count and list (and
// each listed clause's position), and compares them entry by entry with the core's. After a flip
// it also checks the move against the state before it: the picked clause was unsatisfied, the
// move is one of its candidate moves (docs/search.md, "Flip") with the reported break, a
// freebie has break 0, a least-break move has the least break, a random walk only happens
// without a freebie, and only the moved variable changed. After a restart every value is in its
// domain with a nonzero prior. Every solution (m_sol_valid) is read through sol_rd_var and
// must satisfy every clause. Any disagreement prints "FAIL ..." and exits with status 1.
//
// Vector lines (numbers decimal unless said):
//   sizes V P C L                 cfg_num_vars, _values, _clauses, _literals
//   table S A w0 w1 ...           table words (hex) of section S (0..4) from address A
//   prior A b0 b1 ...             prior bytes (hex) from slot A (section 5)
//   check 0|1                     single-step with a recount after every event
//   garbage 0|1                   the tables are not a problem: solutions are taken unchecked
//   start SEED BUDGET NOISE       s_cmd start
//   run FLIPS SOLS CYCLES         run until FLIPS more flips, SOLS more solutions or CYCLES cycles
//   stop                          s_cmd stop; prints the cycles until `searching` falls
//   idle N                        N cycles doing nothing but answering m_sol
// Output lines:
//   restart R UNSAT v0,v1,...     (check mode) the R-th start state, its unsatisfied count
//   flip F CLAUSE X A B BRK KIND UNSAT   (check mode) flip F since the restart
//   sol FLIPS CYCLES v0,v1,...    a solution, every clause checked
//   ran CYCLES FLIPS RESTARTS SOLS UNSAT BEST   at the end of a run (counters since the start)
//   stopped CYCLES FLIPS_AFTER    after a stop: cycles to idle, flips counted after that
//   done CYCLES CHECKS
//
// Built against search_lite (hdl/rtl/search_lite.v, the one-chain Boolean core; make search_lite,
// -DSEARCH_LITE) the bench skips only the crit, brk_all and brk_ne comparisons (that core caches
// none of them and reads 0 there); every other check stays, the break of each move included
// (recounted from the tables as above).
//
// Built with -GCHAINS=N (and -DSEARCH_CHAINS=N for the bench) every chain pauses on its own and
// is checked on its own (dbg_chain selects it; its restart and flip counters come from debug
// registers 9 and 10): restart and flip lines then end with the chain's index, and a first line
// `chains N` says how many there are.
//
// Usage: search_tb VECTORS [STALL_PERCENT [SEED]]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vsearch_core.h"
#include "verilated.h"

#ifndef SEARCH_CHAINS
#define SEARCH_CHAINS 1
#endif

namespace {

constexpr unsigned kChains = SEARCH_CHAINS;
constexpr uint32_t kAllChains = kChains >= 32 ? 0xFFFFFFFFu : (1u << kChains) - 1;

[[noreturn]] void fail(const std::string& msg) {
    std::printf("FAIL %s\n", msg.c_str());
    std::fflush(stdout);
    std::exit(1);
}

std::string fmt(const char* f, long long a = 0, long long b = 0, long long c = 0, long long d = 0) {
    char buf[256];
    std::snprintf(buf, sizeof buf, f, a, b, c, d);
    return buf;
}

struct Move {
    unsigned x, b, brk;
};

class Bench {
  public:
    Bench(unsigned stall, uint32_t seed) : stall_(stall), rng_(seed | 1) {
        top_.clk = 0;
        top_.rst = 1;
        top_.s_wr_valid = 0;
        top_.s_cmd_valid = 0;
        top_.m_sol_ready = 0;
        top_.dbg_step = 0;
        top_.dbg_go = 0;
        top_.dbg_sel = 0;
        top_.dbg_addr = 0;
        top_.dbg_chain = 0;
        top_.sol_rd_var = 0;
        tables_.resize(5);
        for (int i = 0; i < 4; i++) tick();
        top_.rst = 0;
        tick();
    }

    void sizes(uint32_t v, uint32_t p, uint32_t c, uint32_t l) {
        nv_ = v, np_ = p, nc_ = c, nl_ = l;
        top_.cfg_num_vars = v;
        top_.cfg_num_values = p;
        top_.cfg_num_clauses = c;
        top_.cfg_num_literals = l;
    }

    void write(unsigned section, uint32_t addr, uint32_t data) {
        if (section < 5) {
            auto& t = tables_[section];
            if (t.size() <= addr) t.resize(addr + 1, 0);
            t[addr] = data;
        } else {
            if (prior_.size() <= addr) prior_.resize(addr + 1, 0);
            prior_[addr] = static_cast<uint8_t>(data);
        }
        while (stall()) cycle();
        top_.s_wr_valid = 1;
        top_.s_wr_section = section;
        top_.s_wr_addr = addr;
        top_.s_wr_data = data;
        for (;;) {
            top_.eval();
            const bool fire = top_.s_wr_ready;
            cycle();
            if (fire) break;
        }
        top_.s_wr_valid = 0;
    }

    void set_garbage(bool on) { garbage_ = on; }

    void set_check(bool on) {
        check_ = on;
        top_.dbg_step = on;
    }

    void command(bool stop, uint32_t seed, uint32_t budget, uint32_t noise) {
        release_pause();
        while (stall()) cycle();
        top_.s_cmd_valid = 1;
        top_.s_cmd_stop = stop;
        top_.s_cmd_seed = seed;
        top_.s_cmd_flip_budget = budget;
        top_.s_cmd_noise = noise;
        for (;;) {
            top_.eval();
            const bool fire = top_.s_cmd_ready;
            tick();
            if (fire) break;
        }
        top_.s_cmd_valid = 0;
        for (Chain& ch : chains_) ch = Chain();
        top_.m_sol_ready = 0;
    }

    void stop() {
        command(true, 0, 0, 0);
        uint64_t n = 1;
        top_.eval();
        while (top_.searching) {
            tick();
            n++;
            top_.eval();
            if (n > 1000) fail("stop: still searching after 1000 cycles");
        }
        if (top_.m_sol_valid) fail("stop: m_sol_valid still high");
        const uint64_t flips = top_.st_flips;
        for (int i = 0; i < 100; i++) tick();
        if (top_.searching || top_.m_sol_valid) fail("stop: woke up again");
        std::printf("stopped %llu %llu\n", static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(top_.st_flips - flips));
    }

    void run(uint64_t flips, uint64_t sols, uint64_t max_cycles) {
        release_pause();
        top_.eval();
        const uint64_t flips0 = top_.st_flips;
        uint64_t nsols = 0, n = 0;
        while (n < max_cycles) {
            top_.eval();
            if (paused()) {
                const unsigned c = paused_chain();
                on_pause(c);
                if (top_.st_flips - flips0 >= flips) break;
                go(c);
                continue;
            }
            if (serve_solution()) {
                if (++nsols >= sols) break;
                continue;
            }
            cycle();
            n++;
            if (!check_ && top_.st_flips - flips0 >= flips) break;
        }
        top_.eval();
        std::printf("ran %llu %llu %u %llu %u %u\n", static_cast<unsigned long long>(top_.st_cycles),
                    static_cast<unsigned long long>(top_.st_flips), top_.st_restarts,
                    static_cast<unsigned long long>(nsols), top_.st_unsat, top_.st_best_unsat);
    }

    void idle(uint64_t n) {
        for (uint64_t i = 0; i < n; i++) {
            top_.eval();
            if (paused()) {
                const unsigned c = paused_chain();
                on_pause(c);
                go(c);
                continue;
            }
            if (serve_solution()) continue;
            cycle();
        }
    }

    uint64_t cycles() const { return cycles_; }
    uint64_t checks() const { return checks_; }

  private:
    // ------------------------------------------------------------------ clock and stalls
    void tick() {
        top_.clk = 1;
        top_.eval();
        top_.clk = 0;
        top_.eval();
        cycles_++;
    }

    // One cycle that also answers a solution offer after a random stall.
    void cycle() { tick(); }

    bool stall() {
        if (stall_ == 0) return false;
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 17;
        rng_ ^= rng_ << 5;
        return rng_ % 100 < stall_;
    }

    // A chain not yet checked in its pause (pauses held after a check are in held_).
    bool paused() const { return (top_.dbg_paused & kAllChains & ~held_) != 0; }
    unsigned paused_chain() const {
        const uint32_t p = top_.dbg_paused & kAllChains & ~held_;
        unsigned c = 0;
        while (!(p >> c & 1)) c++;
        return c;
    }

    void go(unsigned c) {
        held_ &= ~(1u << c);
        top_.dbg_go = 1u << c;
        tick();
        top_.dbg_go = 0;
    }

    // Resume every chain held in its pause, in one cycle.
    void release_pause() {
        top_.eval();
        if (held_) {
            top_.dbg_go = held_;
            held_ = 0;
            tick();
            top_.dbg_go = 0;
        }
    }

    // A solution on offer: read it, check it, stall at random, take it. Returns whether it did.
    bool serve_solution() {
        top_.eval();
        if (!top_.m_sol_valid) return false;
        if (garbage_) {
            while (stall()) tick();
            top_.m_sol_ready = 1;
            tick();
            top_.m_sol_ready = 0;
            std::printf("sol %u %u -\n", top_.sol_flips, top_.sol_cycles);
            return true;
        }
        std::vector<unsigned> v(nv_);
        for (uint32_t x = 0; x < nv_; x++) {
            top_.sol_rd_var = x;
            tick();
            if (!top_.m_sol_valid) fail("m_sol_valid fell before m_sol_ready");
            v[x] = top_.sol_rd_val;
        }
        const uint32_t flips = top_.sol_flips, cyc = top_.sol_cycles;
        for (uint32_t c = 0; c < nc_; c++)
            if (clause_true_count(c, v) == 0) fail(fmt("solution leaves clause %lld unsatisfied", c));
        check_domains(v, "solution");
        while (stall()) {
            tick();
            if (!top_.m_sol_valid) fail("m_sol_valid fell before m_sol_ready");
        }
        top_.m_sol_ready = 1;
        tick();
        top_.m_sol_ready = 0;
        std::printf("sol %u %u %s\n", flips, cyc, join(v).c_str());
        return true;
    }

    // ------------------------------------------------------------------ tables
    uint32_t t(unsigned s, uint32_t i) const { return i < tables_[s].size() ? tables_[s][i] : 0; }
    unsigned base(unsigned x) const { return t(0, x) & 0xFFFFFF; }
    unsigned size(unsigned x) const { return (t(0, x) >> 24) + 1; }
    uint8_t prior(unsigned p) const { return p < prior_.size() ? prior_[p] : 0; }
    static unsigned lit_var(uint32_t w) { return (w >> 8) & 0x7FFFFF; }
    static unsigned lit_value(uint32_t w) { return w & 0xFF; }
    static bool lit_neg(uint32_t w) { return w >> 31; }
    bool lit_true(uint32_t w, const std::vector<unsigned>& v) const {
        const unsigned x = lit_var(w);
        const bool eq = x < v.size() && v[x] == lit_value(w);
        return lit_neg(w) ? !eq : eq;
    }
    unsigned clause_true_count(uint32_t c, const std::vector<unsigned>& v) const {
        const uint32_t cw = t(1, c);
        unsigned n = 0;
        for (unsigned i = 0; i <= (cw >> 24); i++) n += lit_true(t(2, (cw & 0xFFFFFF) + i), v);
        return n;
    }

    void check_domains(const std::vector<unsigned>& v, const char* what) const {
        for (uint32_t x = 0; x < nv_; x++) {
            bool any = false;
            for (unsigned b = 0; b < size(x); b++) any = any || prior(base(x) + b) != 0;
            if (!any) continue;
            if (v[x] >= size(x) || prior(base(x) + v[x]) == 0)
                fail(std::string(what) + fmt(": var %lld has value %lld outside its domain (size %lld)", x, v[x], size(x)));
        }
    }

    static std::string join(const std::vector<unsigned>& v) {
        std::string s;
        for (size_t i = 0; i < v.size(); i++) {
            if (i) s += ',';
            s += std::to_string(v[i]);
        }
        return s.empty() ? "-" : s;
    }

    // ------------------------------------------------------------------ debug port
    uint32_t dbg(unsigned sel, uint32_t addr) {
        top_.dbg_sel = sel;
        top_.dbg_addr = addr;
        tick();
        return top_.dbg_data;
    }

    struct Counts {
        std::vector<unsigned> ntrue, brk_all, brk_ne;
        std::vector<uint32_t> crit;
        std::set<uint32_t> unsat;
    };

    Counts recount(const std::vector<unsigned>& v) const {
        Counts k;
        k.ntrue.assign(nc_, 0);
        k.crit.assign(nc_, 0);
        k.brk_all.assign(nv_, 0);
        k.brk_ne.assign(np_, 0);
        for (uint32_t c = 0; c < nc_; c++) {
            const uint32_t cw = t(1, c);
            unsigned n = 0;
            uint32_t crit = 0;
            for (unsigned i = 0; i <= (cw >> 24); i++) {
                const uint32_t w = t(2, (cw & 0xFFFFFF) + i);
                if (lit_true(w, v)) {
                    n++;
                    crit ^= w;
                }
            }
            k.ntrue[c] = n;
            k.crit[c] = crit;
            if (n == 0) k.unsat.insert(c);
            if (n == 1) {
                const unsigned x = lit_var(crit);
                if (lit_neg(crit)) {
                    const unsigned p = base(x) + lit_value(crit);
                    if (p < np_) k.brk_ne[p]++;
                } else if (x < nv_) {
                    k.brk_all[x]++;
                }
            }
        }
        return k;
    }

    std::vector<Move> candidates(uint32_t c, const std::vector<unsigned>& v, const Counts& k) const {
        std::vector<Move> m;
        const uint32_t cw = t(1, c);
        for (unsigned i = 0; i <= (cw >> 24); i++) {
            const uint32_t w = t(2, (cw & 0xFFFFFF) + i);
            const unsigned x = lit_var(w), val = lit_value(w);
            auto add = [&](unsigned b) {
                const unsigned p = base(x) + b;
                if (b < size(x) && b != v[x] && prior(p) != 0) m.push_back({x, b, k.brk_all[x] + k.brk_ne[p]});
            };
            if (!lit_neg(w)) add(val);
            else
                for (unsigned b = 0; b < size(x); b++)
                    if (b != val) add(b);
        }
        return m;
    }

    void on_pause(unsigned chain) {
        checks_++;
        top_.dbg_chain = chain;
        Chain& ch = chains_[chain];
        // (the PRNG steps while paused: with one chain the counters are read without a cycle, so
        // the events stay those of a bench without the chain reads)
        const uint32_t restarts = kChains == 1 ? top_.st_restarts : dbg(7, 9);
        const uint32_t flips = kChains == 1 ? static_cast<uint32_t>(top_.st_flips) : dbg(7, 10);
        const bool is_restart = restarts != ch.last_restarts;
        const bool is_flip = flips != ch.last_flips;
        if (is_restart == is_flip && ch.have_prev) fail(fmt("pause: not exactly one event since the last (chain %lld)", chain));
        ch.last_restarts = restarts;
        ch.last_flips = flips;
        const std::string tag = kChains > 1 ? " " + std::to_string(chain) : "";
        const std::vector<unsigned>& prev_v_ = ch.prev_v;
        const Counts& prev_ = ch.prev;

        std::vector<unsigned> v(nv_);
        for (uint32_t x = 0; x < nv_; x++) v[x] = dbg(0, x);
        const Counts k = recount(v);

        if (is_restart) {
            check_domains(v, "restart");
        } else if (ch.have_prev) {
            const uint32_t clause = dbg(7, 1), x = dbg(7, 2), a = dbg(7, 3), b = dbg(7, 4), brk = dbg(7, 5),
                           kind = dbg(7, 6);
            if (!prev_.unsat.count(clause)) fail(fmt("flip: picked clause %lld was satisfied", clause));
            const std::vector<Move> m = candidates(clause, prev_v_, prev_);
            if (kind == 0) {
                if (!m.empty()) fail(fmt("flip: no move taken but clause %lld has %lld", clause, m.size()));
                if (v != prev_v_) fail("flip: no move, but the assignment changed");
            } else {
                unsigned least = ~0u;
                bool found = false;
                for (const Move& mv : m) {
                    least = mv.brk < least ? mv.brk : least;
                    if (mv.x == x && mv.b == b) {
                        found = true;
                        if (mv.brk != brk) fail(fmt("flip: move x%lld:=%lld break %lld, recount %lld", x, b, brk, mv.brk));
                    }
                }
                if (!found) fail(fmt("flip: x%lld:=%lld is not a move of clause %lld", x, b, clause));
                if (a != prev_v_[x]) fail(fmt("flip: x%lld old value %lld, was %lld", x, a, prev_v_[x]));
                if (kind == 1 && brk != 0) fail("flip: freebie with a nonzero break");
                if (kind == 3 && brk != least) fail(fmt("flip: least-break move has break %lld, least %lld", brk, least));
                if (kind == 2 && least == 0) fail("flip: random walk although a freebie exists");
                std::vector<unsigned> want = prev_v_;
                want[x] = b;
                for (uint32_t y = 0; y < nv_; y++)
                    if (v[y] != want[y]) fail(fmt("flip: var %lld is %lld, want %lld", y, v[y], want[y]));
            }
            std::printf("flip %u %u %u %u %u %u %u %zu%s\n", dbg(7, 7), clause, x, a, b, brk, kind, k.unsat.size(),
                        tag.c_str());
        }

        for (uint32_t c = 0; c < nc_; c++) {
            const uint32_t nt = dbg(3, c);
            if (nt != k.ntrue[c]) fail(fmt("ntrue[%lld]: rtl %lld, recount %lld", c, nt, k.ntrue[c]));
#ifndef SEARCH_LITE
            const uint32_t cr = dbg(4, c);
            if (cr != k.crit[c]) fail(fmt("crit[%lld]: rtl %llx, recount %llx", c, cr, k.crit[c]));
#endif
        }
#ifndef SEARCH_LITE
        for (uint32_t x = 0; x < nv_; x++) {
            const uint32_t r = dbg(1, x);
            if (r != k.brk_all[x]) fail(fmt("brk_all[%lld]: rtl %lld, recount %lld", x, r, k.brk_all[x]));
        }
        for (uint32_t p = 0; p < np_; p++) {
            const uint32_t r = dbg(2, p);
            if (r != k.brk_ne[p]) fail(fmt("brk_ne[%lld]: rtl %lld, recount %lld", p, r, k.brk_ne[p]));
        }
#endif
        const uint32_t count = dbg(7, 0);
        if (count != k.unsat.size()) fail(fmt("unsat count: rtl %lld, recount %lld", count, k.unsat.size()));
        const uint32_t st_unsat = kChains == 1 ? top_.st_unsat : dbg(7, 11);
        if (st_unsat != count) fail(fmt("st_unsat %lld, unsat count %lld", st_unsat, count));
        std::set<uint32_t> listed;
        for (uint32_t i = 0; i < count; i++) {
            const uint32_t c = dbg(5, i);
            if (!k.unsat.count(c)) fail(fmt("unsat list[%lld] = %lld, a satisfied clause", i, c));
            if (!listed.insert(c).second) fail(fmt("unsat list[%lld] = %lld twice", i, c));
            const uint32_t pos = dbg(6, c);
            if (pos != i) fail(fmt("unsat position of %lld: %lld, listed at %lld", c, pos, i));
        }
        if (is_restart) std::printf("restart %u %u %s%s\n", restarts, count, join(v).c_str(), tag.c_str());
        ch.prev_v = v;
        ch.prev = k;
        ch.have_prev = true;
        held_ |= 1u << chain;
    }

    Vsearch_core top_;
    unsigned stall_;
    uint32_t rng_;
    uint64_t cycles_ = 0, checks_ = 0;
    uint32_t nv_ = 0, np_ = 0, nc_ = 0, nl_ = 0;
    std::vector<std::vector<uint32_t>> tables_;
    std::vector<uint8_t> prior_;
    bool check_ = false, garbage_ = false;
    // What a chain's last check saw.
    struct Chain {
        bool have_prev = false;
        std::vector<unsigned> prev_v;
        Counts prev;
        uint32_t last_restarts = 0, last_flips = 0;
    };
    Chain chains_[kChains];
    // After on_pause a chain stays paused until the next run or command (held_), so prior writes
    // between runs land between two events.
    uint32_t held_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: search_tb VECTORS [STALL_PERCENT [SEED]]\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "search_tb: cannot read " << argv[1] << "\n";
        return 2;
    }
    const unsigned stall = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
    const uint32_t seed = argc > 3 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 1;
    Bench bench(stall, seed);
    if (kChains > 1) std::printf("chains %u\n", kChains);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string tag;
        if (!(ls >> tag)) continue;
        if (tag == "sizes") {
            uint32_t v, p, c, l;
            ls >> v >> p >> c >> l;
            bench.sizes(v, p, c, l);
        } else if (tag == "table" || tag == "prior") {
            unsigned s = 5;
            if (tag == "table") ls >> s;
            uint32_t a;
            ls >> a;
            std::string w;
            while (ls >> w) bench.write(s, a++, static_cast<uint32_t>(std::stoul(w, nullptr, 16)));
        } else if (tag == "check") {
            int on;
            ls >> on;
            bench.set_check(on != 0);
        } else if (tag == "garbage") {
            int on;
            ls >> on;
            bench.set_garbage(on != 0);
        } else if (tag == "start") {
            uint32_t sd, b, n;
            ls >> sd >> b >> n;
            bench.command(false, sd, b, n);
        } else if (tag == "run") {
            unsigned long long f, s, c;
            ls >> f >> s >> c;
            bench.run(f, s, c);
        } else if (tag == "stop") {
            bench.stop();
        } else if (tag == "idle") {
            unsigned long long n;
            ls >> n;
            bench.idle(n);
        } else {
            std::cerr << "search_tb: bad vector line: " << line << "\n";
            return 2;
        }
    }
    std::printf("done %llu %llu\n", static_cast<unsigned long long>(bench.cycles()),
                static_cast<unsigned long long>(bench.checks()));
    return 0;
}
