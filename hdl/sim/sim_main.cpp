// Verilator harness for hilsolve_top: the simulated FPGA as a serial device.
//
// Two link levels (--link-level). byte (the default): host bytes go into the design's byte port,
// one a cycle whenever it is ready (byte_in_ready: frame_rx's flow control, so a fast host meets
// no overrun the UART would not give it), and reply bytes are taken from the COBS encoder as it
// offers them, about one every five cycles. bit: the design's UART pins are driven and sampled
// at bit level: every byte the host sends is played onto uart_rx as start bit, 8 data bits (LSB
// first) and stop bit, CLKS_PER_BIT clock cycles each, and uart_tx is decoded the same way (80
// cycles a byte at CLKS_PER_BIT 8). The host reaches the device through a pseudo-terminal
// (--pty, the default) or a TCP port on 127.0.0.1 (--tcp PORT).
//
// The bit-level line models the host's UART: its bit period is the device's current divider
// (--host-rate follow, the default: a host that always keeps up), the pty's termios speed as the
// host set it (--host-rate pty: CLOCK_HZ / speed cycles a bit, so a host and a device that disagree
// see garbage, as on a board) or a fixed rate (--host-rate N: an adapter that ignores speed
// changes). Host bytes are played at that period and reply bytes decoded at it, sampled mid-bit.
// --line-mismatch, --line-jitter, --line-gap and --line-glitch make the line less ideal, from a
// seeded generator (--line-seed), so a run can be repeated.
//
// Speed: evaluating the model is the cost; the harness checks its file descriptors only every
// POLL_EVERY cycles (polling every cycle is about 20 times slower), and when nothing is pending
// and the design reports !busy it blocks in poll(), so an idle simulator uses no CPU. Simulated
// time stands still while it sleeps: the cycle count is the count of simulated cycles.

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "Vhilsolve_top.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cmath>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/resource.h>
#include <random>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLKS_PER_BIT
#error "build with -DCLKS_PER_BIT=N, the value the RTL was elaborated with (see hdl/sim/Makefile)"
#endif

namespace {

constexpr int POLL_EVERY = 256;         // cycles between checks of the file descriptors
constexpr double CLOCK_HZ = 12e6;       // hilsolve_top's CLOCK_HZ: the clock the line rates refer to
constexpr int IDLE_WAIT_MS = 1000;      // poll() timeout while idle (signals wake it earlier)
constexpr size_t READ_CHUNK = 4096;     // host bytes taken in at a time
constexpr size_t OUT_LIMIT = 1 << 16;   // device bytes kept while nobody reads them

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_report = 0;

void on_stop(int) { g_stop = 1; }
void on_report(int) { g_report = 1; }

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "hilsolve-sim: %s\n", msg.c_str());
    std::exit(2);
}

[[noreturn]] void die_errno(const std::string& what) { die(what + ": " + std::strerror(errno)); }

const char* USAGE =
    "usage: hilsolve-sim [--pty | --tcp PORT] [--link PATH] [--link-level byte|bit] [--clks-per-bit N]\n"
    "                    [--vcd FILE] [--stats] [--watch-stdin] [--bad-stop-bit N]\n"
    "                    [--host-rate follow|pty|BAUD] [--line-mismatch PCT] [--line-jitter PCT]\n"
    "                    [--line-gap BITS] [--line-glitch N] [--line-seed S]\n"
    "  --pty             serve on a new pseudo-terminal and print `pty PATH` (default)\n"
    "  --tcp PORT        serve on 127.0.0.1:PORT, one client at a time (0: pick a free port);\n"
    "                    prints `tcp 127.0.0.1:PORT`\n"
    "  --link PATH       also make PATH a symbolic link to the pseudo-terminal (removed at exit)\n"
    "  --link-level L    byte (default): whole bytes through the design's byte port, up to one a\n"
    "                    cycle; bit: through its UART pins, 10 * CLKS_PER_BIT cycles a byte\n"
    "  --clks-per-bit N  check that this binary was built for N clock cycles per UART bit\n"
    "  --vcd FILE        write a waveform trace of every cycle to FILE\n"
    "  --stats           print cycle statistics at exit and on SIGUSR1\n"
    "  --watch-stdin     exit when stdin reaches end of file (the parent went away)\n"
    "  --bad-stop-bit N  testing aid: send the Nth byte from the host (from 1) with a low stop bit\n"
    "                    (needs --link-level bit)\n"
    "  The line at --link-level bit (all need it):\n"
    "  --host-rate R     the host UART's rate: follow (default) the device's divider; pty the\n"
    "                    pseudo-terminal's termios speed (needs --pty); BAUD a fixed rate\n"
    "  --line-mismatch P host bits P percent longer (negative: shorter), -10 to 10\n"
    "  --line-jitter P   each bit edge of host bytes moved by up to +-P percent of a bit, 0 to 25\n"
    "  --line-gap BITS   idle time after each host byte, 0 to BITS bit periods\n"
    "  --line-glitch N   on average one glitch in N host bytes: rx inverted for 1 cycle to a quarter bit\n"
    "  --line-seed S     seed of the line's random choices (default 1)\n";

struct Options {
    bool tcp = false;
    int port = 0;
    std::string link;
    std::string vcd;
    bool stats = false;
    bool watch_stdin = false;
    bool bit_level = false;  // --link-level bit: through the UART pins
    long bad_stop_bit = 0;   // 0: none
    enum class HostRate { follow, pty, fixed } host_rate = HostRate::follow;
    double host_baud = 0;    // HostRate::fixed
    double mismatch = 0;     // fraction: host bit period = nominal * (1 + mismatch)
    double jitter = 0;       // fraction of a bit
    long gap_bits = 0;
    long glitch_every = 0;   // 0: none
    unsigned long seed = 1;
    bool line_options = false;
};

long parse_number(const char* opt, const char* text, long lo, long hi) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(text, &end, 10);
    if (errno != 0 || *text == '\0' || *end != '\0' || v < lo || v > hi)
        die(std::string(opt) + " needs a number from " + std::to_string(lo) + " to " + std::to_string(hi) +
            ", not '" + text + "'");
    return v;
}

// A percentage from lo to hi, returned as a fraction.
double parse_fraction(const char* opt, const char* text, double lo, double hi) {
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(text, &end);
    if (errno != 0 || *text == '\0' || *end != '\0' || !(v >= lo && v <= hi))
        die(std::string(opt) + " needs a percentage from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
            text + "'");
    return v / 100.0;
}

Options parse_options(int argc, char** argv) {
    Options o;
    bool pty = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) die(a + " needs a value\n" + USAGE);
            return argv[++i];
        };
        if (a == "--pty") pty = true;
        else if (a == "--tcp") { o.tcp = true; o.port = static_cast<int>(parse_number("--tcp", value(), 0, 65535)); }
        else if (a == "--link") o.link = value();
        else if (a == "--link-level") {
            std::string v = value();
            if (v == "bit") o.bit_level = true;
            else if (v == "byte") o.bit_level = false;
            else die("--link-level is byte or bit, not '" + v + "'");
        }
        else if (a == "--clks-per-bit") {
            long n = parse_number("--clks-per-bit", value(), 1, 1 << 20);
            if (n != CLKS_PER_BIT)
                die("this binary is built for " + std::to_string(CLKS_PER_BIT) + " clocks per bit, not " +
                    std::to_string(n) + " (build another with `make -C hdl/sim CLKS_PER_BIT=" + std::to_string(n) + "`)");
        } else if (a == "--vcd") o.vcd = value();
        else if (a == "--stats") o.stats = true;
        else if (a == "--watch-stdin") o.watch_stdin = true;
        else if (a == "--bad-stop-bit") o.bad_stop_bit = parse_number("--bad-stop-bit", value(), 1, 1L << 40);
        else if (a == "--host-rate") {
            std::string v = value();
            o.line_options = true;
            if (v == "follow") o.host_rate = Options::HostRate::follow;
            else if (v == "pty") o.host_rate = Options::HostRate::pty;
            else {
                o.host_rate = Options::HostRate::fixed;
                o.host_baud = static_cast<double>(parse_number("--host-rate", v.c_str(), 300, 6000000));
            }
        } else if (a == "--line-mismatch") {
            o.mismatch = parse_fraction("--line-mismatch", value(), -10, 10);
            o.line_options = true;
        } else if (a == "--line-jitter") {
            o.jitter = parse_fraction("--line-jitter", value(), 0, 25);
            o.line_options = true;
        } else if (a == "--line-gap") {
            o.gap_bits = parse_number("--line-gap", value(), 0, 1000);
            o.line_options = true;
        } else if (a == "--line-glitch") {
            o.glitch_every = parse_number("--line-glitch", value(), 1, 1L << 30);
            o.line_options = true;
        } else if (a == "--line-seed") {
            o.seed = static_cast<unsigned long>(parse_number("--line-seed", value(), 0, 1L << 40));
            o.line_options = true;
        }
        else if (a == "--help" || a == "-h") { std::fputs(USAGE, stdout); std::exit(0); }
        else if (a.rfind("+verilator+", 0) == 0) continue;  // Verilator run-time options
        else die("unknown option '" + a + "'\n" + USAGE);
    }
    if (pty && o.tcp) die("--pty and --tcp exclude each other");
    if (o.tcp && !o.link.empty()) die("--link needs --pty");
    if (o.bad_stop_bit != 0 && !o.bit_level) die("--bad-stop-bit needs --link-level bit");
    if (o.line_options && !o.bit_level) die("the --host-rate and --line-* options need --link-level bit");
    if (o.host_rate == Options::HostRate::pty && o.tcp) die("--host-rate pty needs --pty");
    return o;
}

// Plays bytes onto the device's rx pin: start bit, 8 data bits LSB first, stop bit, each `period`
// cycles long (a real number: the host's clock need not divide the device's), with the line's
// jitter, idle gaps and glitches (Options).
class LineDriver {
  public:
    explicit LineDriver(const Options& o) : opt_(o), rng_(o.seed) {}
    std::deque<uint8_t> queue;
    bool active() const { return in_byte_ || !queue.empty(); }
    // The level of the rx pin for the coming cycle; `period` is the host's bit period now, used
    // from the next byte's start on.
    uint8_t step(double period) {
        double t = static_cast<double>(now_++);
        if (!in_byte_) {
            if (queue.empty()) return 1;
            start(period, t);
        }
        if (t >= edge_[10]) {          // the stop bit is over: idle until the gap ends
            if (t < end_) return 1;
            in_byte_ = false;
            if (queue.empty()) return 1;
            start(period, t);
        }
        while (bit_ < 9 && t >= edge_[bit_ + 1]) bit_++;
        uint8_t level = (frame_ >> bit_) & 1;
        if (t >= glitch_from_ && t < glitch_to_) level ^= 1;
        return level;
    }

  private:
    void start(double period, double t) {
        uint16_t stop = ++sent_ == opt_.bad_stop_bit ? 0 : 0x200;
        frame_ = static_cast<uint16_t>(stop | (queue.front() << 1));  // {stop, data, start}
        queue.pop_front();
        in_byte_ = true;
        bit_ = 0;
        for (int k = 0; k <= 10; k++) {
            double j = (k > 0 && k < 10 && opt_.jitter > 0) ? uniform(-opt_.jitter, opt_.jitter) * period : 0;
            edge_[k] = t + k * period + j;
        }
        end_ = edge_[10] + (opt_.gap_bits > 0 ? std::floor(uniform(0, static_cast<double>(opt_.gap_bits) + 1)) * period : 0);
        glitch_from_ = glitch_to_ = -1;
        if (opt_.glitch_every > 0 && uniform(0, 1) * static_cast<double>(opt_.glitch_every) < 1) {
            glitch_from_ = std::floor(t + uniform(0, 10 * period));
            glitch_to_ = glitch_from_ + 1 + std::floor(uniform(0, std::max(1.0, period / 4)));
        }
    }
    double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }

    const Options& opt_;
    std::mt19937_64 rng_;
    long sent_ = 0;
    uint64_t now_ = 0;
    uint16_t frame_ = 0;
    bool in_byte_ = false;
    int bit_ = 0;
    double edge_[11] = {};
    double end_ = 0, glitch_from_ = -1, glitch_to_ = -1;
};

// Decodes the device's tx pin as the host's UART does: a falling edge starts a character, whose
// bits are sampled in their middle at the host's bit period.
class LineSampler {
  public:
    bool active() const { return bit_ >= 0; }
    // Feed the tx level after a cycle; returns a byte when its stop bit has been sampled.
    int step(uint8_t level, double period) {
        double t = static_cast<double>(now_++);
        if (bit_ < 0) {
            if (level) return -1;
            bit_ = 0;  // start bit: its middle is half a bit from here
            period_ = period;
            next_ = t + period / 2;
            return -1;
        }
        if (t + 0.5 < next_) return -1;
        next_ += period_;
        if (bit_ == 0) {
            if (level) bit_ = -1;  // a glitch, not a start bit
            else bit_ = 1;
            return -1;
        }
        if (bit_ <= 8) {
            byte_ = static_cast<uint8_t>((byte_ >> 1) | (level << 7));
            bit_++;
            return -1;
        }
        bit_ = -1;  // stop bit
        if (!level) {
            framing_errors++;
            return -1;
        }
        return byte_;
    }
    uint64_t framing_errors = 0;

  private:
    uint64_t now_ = 0;
    int bit_ = -1;
    double period_ = 0, next_ = 0;
    uint8_t byte_ = 0;
};

// The speed the host last set on a serial line: termios2's c_ospeed (Linux), which the kernel
// fills for standard and custom rates alike. <asm/termbits.h>, which declares termios2, clashes
// with <termios.h>, hence this copy of its layout.
struct KernelTermios2 {
    unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line;
    unsigned char c_cc[19];
    unsigned int c_ispeed, c_ospeed;
};
double termios_speed(int fd) {
    KernelTermios2 t{};
    if (ioctl(fd, _IOR('T', 0x2A, KernelTermios2), &t) != 0) return 0;  // TCGETS2
    return static_cast<double>(t.c_ospeed);
}

// The host side: a pseudo-terminal, or a TCP listener with at most one client.
class Endpoint {
  public:
    virtual ~Endpoint() = default;
    // The descriptor to exchange bytes with, or -1 while no host is connected.
    virtual int data_fd() const = 0;
    // Extra descriptor to poll for readability (the listener while no client is connected).
    virtual int accept_fd() const { return -1; }
    virtual void on_accept() {}
    // The host went away (TCP); the pty keeps its own slave open and never sees this.
    virtual void on_hangup() {}
    // The line speed the host set (the pty's termios), 0 where there is none.
    virtual double host_speed() const { return 0; }
};

class PtyEndpoint : public Endpoint {
  public:
    explicit PtyEndpoint(const std::string& link) : link_(link) {
        master_ = posix_openpt(O_RDWR | O_NOCTTY);
        if (master_ < 0) die_errno("posix_openpt");
        if (grantpt(master_) != 0 || unlockpt(master_) != 0) die_errno("grantpt/unlockpt");
        const char* name = ptsname(master_);
        if (name == nullptr) die_errno("ptsname");
        path_ = name;
        // Holding the slave open keeps the master from seeing a hang-up when the host closes the
        // port, so the host may close and reopen it any number of times. Raw mode: no echo, no
        // line editing, no CR/LF translation; bytes pass as they are.
        slave_ = open(name, O_RDWR | O_NOCTTY);
        if (slave_ < 0) die_errno("open " + path_);
        termios t{};
        if (tcgetattr(slave_, &t) != 0) die_errno("tcgetattr");
        cfmakeraw(&t);
        if (tcsetattr(slave_, TCSANOW, &t) != 0) die_errno("tcsetattr");
        if (fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK) != 0) die_errno("fcntl");
        if (!link_.empty()) {
            struct stat st{};
            if (lstat(link_.c_str(), &st) == 0) {
                if (!S_ISLNK(st.st_mode)) die(link_ + " exists and is not a symbolic link");
                unlink(link_.c_str());
            }
            if (symlink(path_.c_str(), link_.c_str()) != 0) die_errno("symlink " + link_);
        }
    }
    ~PtyEndpoint() override {
        if (!link_.empty()) unlink(link_.c_str());
        close(slave_);
        close(master_);
    }
    int data_fd() const override { return master_; }
    double host_speed() const override { return termios_speed(slave_); }
    std::string banner() const { return "pty " + path_; }

  private:
    std::string link_, path_;
    int master_ = -1, slave_ = -1;
};

class TcpEndpoint : public Endpoint {
  public:
    explicit TcpEndpoint(int port) {
        listen_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_ < 0) die_errno("socket");
        int one = 1;
        setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            die_errno("bind 127.0.0.1:" + std::to_string(port));
        // Clients beyond the first wait in the backlog until the current one leaves.
        if (listen(listen_, 8) != 0) die_errno("listen");
        socklen_t len = sizeof a;
        if (getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0) die_errno("getsockname");
        port_ = ntohs(a.sin_port);
    }
    ~TcpEndpoint() override {
        if (client_ >= 0) close(client_);
        close(listen_);
    }
    int data_fd() const override { return client_; }
    int accept_fd() const override { return client_ < 0 ? listen_ : -1; }
    void on_accept() override {
        client_ = accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client_ < 0) return;
        int one = 1;
        setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    void on_hangup() override {
        close(client_);
        client_ = -1;
    }
    std::string banner() const { return "tcp 127.0.0.1:" + std::to_string(port_); }

  private:
    int listen_ = -1, client_ = -1, port_ = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class Simulator {
  public:
    Simulator(const Options& o, Endpoint& ep)
        : opt_(o), ep_(ep), ctx_(new VerilatedContext), rx_(o) {
        top_.reset(new Vhilsolve_top(ctx_.get()));
        if (!opt_.vcd.empty()) {
            ctx_->traceEverOn(true);
            vcd_.reset(new VerilatedVcdC);
            top_->trace(vcd_.get(), 99);
            vcd_->open(opt_.vcd.c_str());
            if (!vcd_->isOpen()) die("cannot write " + opt_.vcd);
        }
        top_->uart_rx = 1;
        top_->byte_link = opt_.bit_level ? 0 : 1;
        top_->byte_in_valid = 0;
        top_->byte_in_data = 0;
        top_->byte_out_ready = 1;  // the harness takes every byte (and drops the excess, below)
        top_->rst = 1;
        for (int i = 0; i < 4; i++) tick();
        top_->rst = 0;
        host_speed_ = ep_.host_speed();
        start_ = std::chrono::steady_clock::now();
    }
    ~Simulator() {
        top_->final();
        if (vcd_) vcd_->close();
    }

    void run() {
        while (!g_stop) {
            if (g_report) {
                g_report = 0;
                report();
            }
            bool idle = !rx_.active() && !tx_.active() && !top_->busy;
            if (idle) {
                auto t0 = std::chrono::steady_clock::now();
                exchange(IDLE_WAIT_MS);
                idle_seconds_ += seconds_since(t0);
                continue;
            }
            if (opt_.bit_level) {
                for (int i = 0; i < POLL_EVERY; i++) {
                    double period = host_period();
                    top_->uart_rx = rx_.step(period);
                    tick();
                    int b = tx_.step(top_->uart_tx, period);
                    if (b >= 0) out_.push_back(static_cast<uint8_t>(b));
                }
            } else {
                run_bytes();
            }
            exchange(0);
        }
    }

    // Wall-clock rates depend on the host's load; the CPU-time rate is the simulator's own speed.
    void report() const {
        double wall = seconds_since(start_);
        double active = wall - idle_seconds_;
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        auto rate = [this](double s) { return s > 0 ? static_cast<double>(cycles_) / s : 0.0; };
        std::printf("stats cycles=%llu seconds=%.3f cycles_per_s=%.0f active_seconds=%.3f "
                    "active_cycles_per_s=%.0f cpu_seconds=%.3f cycles_per_cpu_s=%.0f held_cycles=%llu\n",
                    static_cast<unsigned long long>(cycles_), wall, rate(wall), active, rate(active), cpu,
                    rate(cpu), static_cast<unsigned long long>(held_cycles_));
        std::fflush(stdout);
    }

  private:
    // POLL_EVERY cycles of the byte link: a transfer happens at a clock edge where valid and
    // ready are both high. byte_in_ready and byte_out_valid come from registers, so their values
    // after the last edge are the ones the coming edge sees.
    void run_bytes() {
        std::deque<uint8_t>& in = rx_.queue;
        for (int i = 0; i < POLL_EVERY; i++) {
            bool have = !in.empty();
            top_->byte_in_valid = have;
            top_->byte_in_data = have ? in.front() : 0;
            bool in_fire = have && top_->byte_in_ready;
            if (have && !in_fire) held_cycles_++;
            bool out_fire = top_->byte_out_valid;  // byte_out_ready is always high
            uint8_t out_byte = top_->byte_out_data;
            tick();
            if (in_fire) in.pop_front();
            if (out_fire) out_.push_back(out_byte);
        }
        top_->byte_in_valid = 0;
    }

    // The host UART's bit period in cycles (Options::HostRate), with the line's mismatch.
    double host_period() const {
        double nominal = static_cast<double>(top_->line_divider);
        if (opt_.host_rate == Options::HostRate::fixed) nominal = CLOCK_HZ / opt_.host_baud;
        else if (opt_.host_rate == Options::HostRate::pty && host_speed_ > 0) nominal = CLOCK_HZ / host_speed_;
        return std::max(2.0, nominal * (1 + opt_.mismatch));
    }

    void tick() {
        top_->clk = 0;
        top_->eval();
        if (vcd_) vcd_->dump(2 * cycles_);
        top_->clk = 1;
        top_->eval();
        if (vcd_) vcd_->dump(2 * cycles_ + 1);
        cycles_++;
    }

    // Moves bytes between the host and the queues; waits up to `timeout_ms` for something to do.
    void exchange(int timeout_ms) {
        pollfd fds[3];
        int n = 0, data = -1, acc = -1, in = -1;
        int fd = ep_.data_fd();
        if (fd >= 0) {
            short ev = 0;
            if (rx_.queue.size() < READ_CHUNK) ev |= POLLIN;
            if (!out_.empty()) ev |= POLLOUT;
            fds[n] = {fd, ev, 0};
            data = n++;
        }
        if (ep_.accept_fd() >= 0) {
            fds[n] = {ep_.accept_fd(), POLLIN, 0};
            acc = n++;
        }
        if (opt_.watch_stdin) {
            fds[n] = {0, POLLIN, 0};
            in = n++;
        }
        if (poll(fds, n, timeout_ms) <= 0) return;  // timeout, or a signal (EINTR)
        if (in >= 0 && (fds[in].revents & (POLLIN | POLLHUP))) {
            char buf[256];
            if (read(0, buf, sizeof buf) <= 0) g_stop = 1;
        }
        if (acc >= 0 && (fds[acc].revents & POLLIN)) ep_.on_accept();
        if (data < 0) {
            if (fd < 0 && out_.size() > 0) out_.clear();  // no TCP client: the bytes go nowhere
            return;
        }
        short re = fds[data].revents;
        if (re & POLLIN) {
            uint8_t buf[READ_CHUNK];
            ssize_t r = read(fd, buf, sizeof buf);
            // The speed is read after the bytes: the host sets it before writing at it.
            if (r > 0) rx_.queue.insert(rx_.queue.end(), buf, buf + r);
            if (r > 0) host_speed_ = ep_.host_speed();
            else if (r == 0 || (errno != EAGAIN && errno != EINTR)) return hangup();
        } else if (re & (POLLHUP | POLLERR)) {
            return hangup();
        }
        if ((re & POLLOUT) && !out_.empty()) {
            uint8_t buf[READ_CHUNK];
            size_t len = 0;
            for (auto it = out_.begin(); it != out_.end() && len < sizeof buf; ++it) buf[len++] = *it;
            ssize_t w = write(fd, buf, len);
            if (w > 0) out_.erase(out_.begin(), out_.begin() + w);
            else if (w < 0 && errno != EAGAIN && errno != EINTR) return hangup();
        }
        // Nobody reads the pseudo-terminal: keep the newest bytes only, as a UART would lose them.
        if (out_.size() > OUT_LIMIT) out_.erase(out_.begin(), out_.end() - OUT_LIMIT);
    }

    void hangup() {
        ep_.on_hangup();
        out_.clear();
    }

    const Options& opt_;
    Endpoint& ep_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vhilsolve_top> top_;
    std::unique_ptr<VerilatedVcdC> vcd_;
    LineDriver rx_;
    LineSampler tx_;
    std::deque<uint8_t> out_;
    uint64_t cycles_ = 0;
    uint64_t held_cycles_ = 0;  // byte link: cycles a host byte waited for byte_in_ready
    double host_speed_ = 0;     // the pty's termios speed, read with each batch of host bytes
    double idle_seconds_ = 0;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    Options opt = parse_options(argc, argv);

    struct sigaction sa{};
    sa.sa_handler = on_stop;  // no SA_RESTART: poll() returns at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_report;
    sigaction(SIGUSR1, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    std::unique_ptr<Endpoint> ep;
    std::string banner;
    if (opt.tcp) {
        auto t = std::make_unique<TcpEndpoint>(opt.port);
        banner = t->banner();
        ep = std::move(t);
    } else {
        auto p = std::make_unique<PtyEndpoint>(opt.link);
        banner = p->banner();
        ep = std::move(p);
    }
    Simulator sim(opt, *ep);
    std::printf("%s\n", banner.c_str());
    std::fflush(stdout);
    sim.run();
    if (opt.stats) sim.report();
    return 0;
}
