// Standalone testbench of validator_core: reads commands from a vector file, drives them into
// the core through its command/data/reply ports (with seeded random stalls on the data and
// reply handshakes, so back-pressure paths are exercised), and prints every reply, one per line,
// reading each verdict's violated indices through rep_index/rep_entry as the link encoder does.
// The TypeScript side (test/helpers/engine-vectors.ts) writes the vectors and compares the
// replies with the reference checker.
//
// Vector lines:   cmd <op> <seq> <a> <b> <c> <d> <hex data or ->
//                 (op and fields as in hdl/rtl/validator_codes.vh; numbers in decimal)
// Reply lines:    ack <seq>
//                 err <seq> <code> <arg>
//                 verdict <seq> <program_id> <ok> <count> <digest> <cycles> <violated,...|->
// Last line:      done <cycles>
//
// Usage: engine_tb VECTORS [STALL_PERCENT [SEED]]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "Vvalidator_core.h"
#include "bench_util.h"
#include "verilated.h"

namespace {

struct Command {
    unsigned op;
    uint32_t seq, a, b, c, d;
    std::vector<uint8_t> data;
};

bool read_vectors(const char* path, std::vector<Command>& cmds) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::istringstream ls(line);
        std::string tag, hex;
        Command c{};
        if (!(ls >> tag >> c.op >> c.seq >> c.a >> c.b >> c.c >> c.d >> hex) || tag != "cmd") {
            std::cerr << "engine_tb: bad vector line: " << line << "\n";
            return false;
        }
        c.data = bench::parse_hex(hex);
        cmds.push_back(std::move(c));
    }
    return true;
}

class Bench {
  public:
    Bench(unsigned stall_percent, uint32_t seed) : stall_(stall_percent, seed) {
        top_.clk = 0;
        top_.rst = 1;
        top_.cmd_valid = 0;
        top_.data_valid = 0;
        top_.rep_ready = 0;
        top_.rep_index = 0;
        tick();
        tick();
        top_.rst = 0;
    }

    // Drive one command until the core reports it finished.
    void run(const Command& c) {
        top_.cmd_valid = 1;
        top_.cmd_op = c.op;
        top_.cmd_seq = c.seq;
        top_.cmd_a = c.a;
        top_.cmd_b = c.b;
        top_.cmd_c = c.c;
        top_.cmd_d = c.d;
        top_.cmd_len = static_cast<uint16_t>(c.data.size());
        size_t next = 0;
        bool done = false;
        while (!done) {
            top_.data_valid = next < c.data.size() && !stall();
            top_.data = next < c.data.size() ? c.data[next] : 0;
            const Edge e = cycle();
            if (e.data_fire) next++;
            done = e.cmd_done;
        }
        top_.cmd_valid = 0;
        top_.data_valid = 0;
    }

    // Let the core finish what it holds: stop after `quiet` cycles without a reply or busy cycle.
    void drain(uint64_t quiet) {
        uint64_t idle = 0;
        while (idle < quiet) {
            top_.eval();
            const bool active = top_.rep_valid || top_.busy;
            cycle();
            idle = active ? 0 : idle + 1;
        }
    }

    uint64_t cycles() const { return cycles_; }

  private:
    struct Edge {
        bool data_fire, cmd_done;
    };

    // One clock cycle. A reply is taken in several: its listed violated indices are read one per
    // cycle through rep_index/rep_entry, then rep_ready accepts it.
    Edge cycle() {
        top_.eval();
        if (!reading_ && top_.rep_valid && !stall()) {
            reading_ = true;
            listed_ = top_.rep_kind == 2 ? (top_.rep_count < kK ? top_.rep_count : kK) : 0;
            entries_.clear();
        }
        top_.rep_index = static_cast<uint8_t>(entries_.size() % kK);
        top_.rep_ready = reading_ && entries_.size() == listed_;
        top_.eval();
        const Edge e{top_.data_valid && top_.data_ready, top_.cmd_valid && top_.cmd_ready};
        const bool rep_fire = top_.rep_valid && top_.rep_ready;
        if (rep_fire) print_reply();
        const bool reading_entry = reading_ && entries_.size() < listed_;
        tick();
        if (reading_entry) entries_.push_back(top_.rep_entry);
        if (rep_fire) reading_ = false;
        return e;
    }

    bool stall() { return stall_(); }

    void tick() {
        bench::tick(top_);
        cycles_++;
    }

    void print_reply() {
        switch (top_.rep_kind) {
            case 0:
                std::printf("ack %u\n", top_.rep_seq);
                break;
            case 1:
                std::printf("err %u %u %u\n", top_.rep_seq, top_.rep_code, top_.rep_arg);
                break;
            default: {
                std::printf("verdict %u %u %u %u %u %u ", top_.rep_seq, top_.rep_program_id, top_.rep_ok,
                            top_.rep_count, top_.rep_digest, top_.rep_cycles);
                if (entries_.empty()) std::printf("-");
                for (size_t i = 0; i < entries_.size(); i++) std::printf(i ? ",%u" : "%u", entries_[i]);
                std::printf("\n");
            }
        }
    }

    static constexpr unsigned kK = 8;  // the core's K (its default)
    Vvalidator_core top_;
    bench::Stall stall_;
    uint64_t cycles_ = 0;
    bool reading_ = false;
    unsigned listed_ = 0;
    std::vector<unsigned> entries_;
};

}  // namespace

int main(int argc, char** argv) {
    bench::Args args{};
    if (!bench::parse_args(argc, argv, "engine_tb", args)) return 2;
    std::vector<Command> cmds;
    if (!read_vectors(args.vectors, cmds)) {
        std::cerr << "engine_tb: cannot read vectors from " << args.vectors << "\n";
        return 2;
    }
    Bench bench(args.stall_percent, args.seed);
    for (const Command& c : cmds) bench.run(c);
    bench.drain(100000);
    std::printf("done %llu\n", static_cast<unsigned long long>(bench.cycles()));
    return 0;
}
