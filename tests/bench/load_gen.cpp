// load_gen: closed-loop WebSocket load for the advisor (built, never run as
// a test). Opens C connections to a ws:// URL; each skips the welcome frame,
// then sends `message` frames one at a time (send, wait for the reply, send
// the next) from a built-in mix of questions about the TPM and PM roles,
// for a warm-up and then a measured duration. Reports replies per second
// over the measured window, reply latency percentiles (p50, p99, p99.9,
// max) of the messages sent in that window, and errors. Exit status 0 only
// when every message got exactly one reply, in order, and nothing failed.
//
//   load_gen --url ws://127.0.0.1:PORT/ws [--connections 50] [--seconds 5]
//            [--warmup 1] [--threads 1] [--label NAME] [--server-pid PID]
//            [--messages N] [--rate R] [--report-every S] [--unique]
//
// --unique makes every message a text never sent before: the mix's question
// with one letter changed (a typo) and a made-up word added, both drawn from
// the connection's index and sequence number. It shows what never-seen text
// costs (re2 builds DFA states lazily; the spelling corrector meets new
// words) and whether the server's memory stays bounded under it.
//
// --messages N stops each connection after N messages (or at the end of
// the time, whichever comes first): a fixed amount of work, for timing the
// whole run from outside (say with /usr/bin/time over server and load).
//
// --rate R paces each connection at R messages per second (a steady rate
// for soak tests, tests/bench/soak.sh) instead of sending the next message
// as soon as the reply arrives; the connections' sends are spread over the
// period. Still at most one message in flight per connection.
//
// --report-every S prints one line every S seconds of the whole run
// (warm-up included): messages sent and replies received in that interval,
// error replies and mismatches, p99 latency of the replies received in it,
// and (with --server-pid) the server's VmRSS:
//   INTERVAL n=... t_s=... sent=... replies=... errors=... p99_ms=... rss_kib=...
//
// With --server-pid it also reads the server's CPU time (/proc/PID/stat)
// at both ends of the measured window and prints the server's CPU
// microseconds per reply, and its own: a figure that holds better than
// replies/s when other processes share the cores.
//
// Verification: every message carries a unique id ("<conn>.<seq>"); the
// next frame read must contain that id (the advisor's reply_to, or the echo
// server's copy of the message). When its time is up a connection sends a
// `ping` with id "end.<conn>" as a barrier: the next frame must be its
// answer, so a duplicate or late reply shows up as a mismatch. Replies of
// type "error" (say rate_limited: run the advisor with --msg-rate 0) are
// counted as errors.
//
// The last stdout line is machine-readable for tests/bench/run.sh:
//   RESULT label=... connections=... rps=... p50_us=... p99_us=... p999_us=... max_us=...
//          server_cpu_us=... load_cpu_us=... errors=... ok=1
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bot/net/net.hpp"
#include "tests/bench/bench_common.hpp"

namespace {

using namespace advisor::server;  // net, beast, http, websocket, tcp, error_code
using clock_type = std::chrono::steady_clock;

// A realistic mix: the kinds of questions people ask the advisor, topical
// and meta, short and long, with a few typos. No quotes or backslashes
// (they are pasted into JSON as they are).
constexpr const char* questions[] = {
    "What does a TPM do?",
    "What does a product manager do all day?",
    "TPM vs PM?",
    "What is the difference between a technical program manager and a product manager?",
    "Which role suits me, TPM or PM?",
    "What skills does a TPM need?",
    "What skills does a PM need?",
    "How technical does a TPM have to be?",
    "Does a product manager need to code?",
    "Who owns the roadmap?",
    "Who decides what to build?",
    "How is a TPM measured? What metrics matter?",
    "How do PMs measure success?",
    "What does a typical day look like for a technical program manager?",
    "How do TPMs and PMs work together?",
    "Who talks to customers more, the PM or the TPM?",
    "What is the career path for a TPM?",
    "Can a software engineer become a TPM?",
    "How do I move from engineering into product management?",
    "What about a Product Manager?",
    "And what skills do they need?",
    "Who handles dependencies across teams?",
    "Who is responsible for the launch schedule and risks?",
    "Is a TPM a project manager?",
    "what does a tpm focus on",
    "wat dose a prodcut manger do",
    "Which one makes more decisions about the product vision?",
    "Compare the responsibilities side by side",
    "I love talking to users and thinking about strategy. Which role fits?",
    "I like coordinating engineers and system design. Which job is for me?",
    "How do TPMs deal with stakeholders?",
    "Tell me more",
    "hello",
    "thanks!",
    "What can you do?",
    "Who writes the product requirements document?",
    "Do TPMs need a computer science degree?",
    "What is the hardest part of being a PM?",
    "How do program managers handle technical debt and architecture decisions?",
    "Give me an example of a decision a PM makes versus one a TPM makes",
};
constexpr std::size_t question_count = sizeof questions / sizeof questions[0];

struct run_clock {
  clock_type::time_point measure_from;   // end of the warm-up
  clock_type::time_point measure_until;  // end of the measured window; no message is sent after it
  std::uint64_t max_messages = 0;        // per connection; 0: no limit
  clock_type::duration period{};         // --rate: time between sends on one connection; zero: closed loop
  bool unique = false;                   // --unique: never send the same text twice
};

// The never-seen variant of `question` for message `n` (--unique): one
// letter of a word replaced, and a made-up word of 4 to 8 letters appended
// (both spelled from n, so no two messages of a run are equal).
void append_unique(std::string& out, std::string_view question, std::uint64_t n) {
  std::string text(question);
  std::uint64_t x = n * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  const std::size_t at = static_cast<std::size_t>(x % text.size());
  if (text[at] >= 'a' && text[at] <= 'z') text[at] = static_cast<char>('a' + (x >> 8) % 26);
  text += " ";
  std::uint64_t m = n;
  for (int i = 0; i < 4 || m != 0; ++i, m /= 26) text += static_cast<char>('a' + (m + i * 7) % 26);
  out.append(text);
}

// Figures of the current --report-every interval, shared by all clients.
struct interval_stats {
  std::mutex mutex;
  std::uint64_t sent = 0;
  std::uint64_t replies = 0;
  std::uint64_t errors = 0;  // error replies and mismatched replies
  std::vector<double> latencies_us;
};

// One closed-loop client connection. Runs on a strand of its own; its
// figures are read by main() after every thread has stopped.
class client : public std::enable_shared_from_this<client> {
 public:
  client(net::io_context& ioc, std::size_t index, const advisor::bench::ws_target& target, interval_stats* stats)
      : ws_(net::make_strand(ioc)), timer_(ws_.get_executor()), index_(index), target_(target), stats_(stats) {}

  // Phase 1: connect, upgrade, read the welcome, then stop (no operation
  // pending) until start().
  void connect(const tcp::resolver::results_type& endpoints) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(endpoints,
                                               beast::bind_front_handler(&client::on_connect, shared_from_this()));
  }

  // Phase 2: the closed loop, until clock.measure_until.
  // With a period, the first send is offset by `offset` to spread the load.
  void start(const run_clock& clock, clock_type::duration offset) {
    clock_ = clock;
    if (clock_.period == clock_type::duration::zero()) {
      net::dispatch(ws_.get_executor(), beast::bind_front_handler(&client::send_next, shared_from_this()));
      return;
    }
    next_at_ = clock_type::now() + offset;
    net::dispatch(ws_.get_executor(), beast::bind_front_handler(&client::wait_next, shared_from_this()));
  }

  // Gives up (the watchdog): closes the socket so pending operations end.
  void abort() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      error_code ec;
      self->timer_.cancel();
      beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }

  bool connected() const { return connected_; }
  bool finished() const { return finished_; }
  // Finished or failed; safe to read from any thread.
  bool over() const { return over_.load(); }
  const std::string& failure() const { return failure_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t replies() const { return replies_; }
  std::uint64_t replies_in_window() const { return replies_in_window_; }
  std::uint64_t mismatched() const { return mismatched_; }
  std::uint64_t error_replies() const { return error_replies_; }
  std::uint64_t reply_bytes() const { return reply_bytes_; }
  const std::vector<double>& latencies_us() const { return latencies_us_; }

 private:
  void fail(std::string_view what, const error_code& ec) {
    if (failure_.empty()) failure_ = std::string(what) + ": " + ec.message();
    over_ = true;
  }

  void on_connect(error_code ec, const tcp::endpoint&) {
    if (ec) return fail("connect", ec);
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.async_handshake(target_.host + ":" + target_.port, target_.path,
                        beast::bind_front_handler(&client::on_handshake, shared_from_this()));
  }

  void on_handshake(error_code ec) {
    if (ec) return fail("handshake", ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.text(true);
    ws_.async_read(buffer_, beast::bind_front_handler(&client::on_welcome, shared_from_this()));
  }

  void on_welcome(error_code ec, std::size_t) {
    if (ec) return fail("read welcome", ec);
    buffer_.clear();
    connected_ = true;
  }

  // --rate: waits for the next slot of this connection, then sends.
  void wait_next() {
    if (!failure_.empty()) return;
    timer_.expires_at(std::min(next_at_, clock_.measure_until));
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return self->fail("pace timer", ec);
      self->next_at_ += self->clock_.period;
      self->send_next();
    });
  }

  void send_next() {
    if (!failure_.empty()) return;
    const auto now = clock_type::now();
    if (now >= clock_.measure_until || (clock_.max_messages != 0 && sent_ >= clock_.max_messages)) {
      return send_barrier();
    }
    expected_id_ = "\"" + std::to_string(index_) + "." + std::to_string(sent_) + "\"";
    const char* question = questions[(index_ * 7 + sent_) % question_count];
    out_.clear();
    out_.append(R"({"type":"message","id":)")
        .append(expected_id_)
        .append(R"(,"text":")");
    if (clock_.unique) append_unique(out_, question, (static_cast<std::uint64_t>(index_) << 32) | sent_);
    else out_.append(question);
    out_.append("\"}");
    sent_at_ = now;
    ++sent_;
    if (stats_) {
      std::lock_guard lock(stats_->mutex);
      ++stats_->sent;
    }
    ws_.async_write(net::buffer(out_), beast::bind_front_handler(&client::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    if (ec) return fail("write", ec);
    ws_.async_read(buffer_, beast::bind_front_handler(&client::on_reply, shared_from_this()));
  }

  void on_reply(error_code ec, std::size_t) {
    if (ec) return fail("read reply", ec);
    const auto now = clock_type::now();
    const auto data = buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    ++replies_;
    reply_bytes_ += frame.size();
    if (frame.find(expected_id_) == std::string_view::npos) ++mismatched_;
    if (frame.substr(0, 16) == R"({"type":"error",)") ++error_replies_;
    if (sent_at_ >= clock_.measure_from) {
      latencies_us_.push_back(std::chrono::duration<double, std::micro>(now - sent_at_).count());
    }
    if (now >= clock_.measure_from && now < clock_.measure_until) ++replies_in_window_;
    if (stats_) {
      std::lock_guard lock(stats_->mutex);
      ++stats_->replies;
      if (frame.find(expected_id_) == std::string_view::npos || frame.substr(0, 16) == R"({"type":"error",)") {
        ++stats_->errors;
      }
      stats_->latencies_us.push_back(std::chrono::duration<double, std::micro>(now - sent_at_).count());
    }
    buffer_.clear();
    if (clock_.period == clock_type::duration::zero()) return send_next();
    if (next_at_ < now) next_at_ = now;  // fell behind: no catch-up burst
    wait_next();
  }

  void send_barrier() {
    expected_id_ = "\"end." + std::to_string(index_) + "\"";
    out_ = R"({"type":"ping","id":)" + expected_id_ + "}";
    ws_.async_write(net::buffer(out_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->fail("write barrier", ec);
      self->ws_.async_read(self->buffer_, beast::bind_front_handler(&client::on_barrier, self));
    });
  }

  void on_barrier(error_code ec, std::size_t) {
    if (ec) return fail("read barrier", ec);
    const auto data = buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    if (frame.find(expected_id_) == std::string_view::npos) ++mismatched_;  // a late or extra reply
    buffer_.clear();
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code close_ec) {
      if (close_ec) return self->fail("close", close_ec);
      self->finished_ = true;
      self->over_ = true;
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer timer_;  // --rate pacing
  beast::flat_buffer buffer_;
  std::size_t index_;
  const advisor::bench::ws_target& target_;
  interval_stats* stats_;  // null without --report-every
  clock_type::time_point next_at_{};
  run_clock clock_{};
  std::string out_;
  std::string expected_id_;
  clock_type::time_point sent_at_{};
  bool connected_ = false;
  bool finished_ = false;
  std::atomic<bool> over_ = false;
  std::string failure_;
  std::uint64_t sent_ = 0;
  std::uint64_t replies_ = 0;
  std::uint64_t replies_in_window_ = 0;
  std::uint64_t mismatched_ = 0;
  std::uint64_t error_replies_ = 0;
  std::uint64_t reply_bytes_ = 0;
  std::vector<double> latencies_us_;
};

// Runs ioc on `threads` threads until it has no more work.
void run_threads(net::io_context& ioc, unsigned threads) {
  ioc.restart();
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

}  // namespace

int main(int argc, char** argv) {
  namespace b = advisor::bench;
  const auto flags = b::parse_flags(argc, argv);
  if (!flags || flags->count("help") || !flags->count("url")) {
    std::fprintf(stderr,
                 "usage: load_gen --url ws://127.0.0.1:PORT/ws [--connections 50] [--seconds 5] [--warmup 1]\n"
                 "                [--threads 1] [--label NAME] [--server-pid PID] [--messages N]\n"
                 "                [--rate R] [--report-every S] [--unique]\n");
    return flags && flags->count("help") ? 0 : 2;
  }
  const auto target = b::parse_ws_url(flags->at("url"));
  if (!target) {
    std::fprintf(stderr, "load_gen: --url must be ws://HOST:PORT/PATH\n");
    return 2;
  }
  const auto connections = static_cast<std::size_t>(std::max(1.0, b::flag_number(*flags, "connections", 50)));
  const double seconds = std::clamp(b::flag_number(*flags, "seconds", 5), 0.1, 24 * 3600.0);
  const double rate = std::max(0.0, b::flag_number(*flags, "rate", 0));
  const double report_every = std::max(0.0, b::flag_number(*flags, "report-every", 0));
  const double warmup = std::clamp(b::flag_number(*flags, "warmup", 1), 0.0, 60.0);
  const auto threads = static_cast<unsigned>(std::clamp(b::flag_number(*flags, "threads", 1), 1.0, 64.0));
  const std::string label = b::flag_string(*flags, "label", "load");
  const auto max_messages = static_cast<std::uint64_t>(std::max(0.0, b::flag_number(*flags, "messages", 0)));
  const auto server_pid = static_cast<long>(b::flag_number(*flags, "server-pid", 0));
  const auto fd_limit = b::raise_file_limit();
  if (connections + 16 > fd_limit) {
    std::fprintf(stderr, "load_gen: %zu connections need more descriptors than the limit (%llu)\n", connections,
                 static_cast<unsigned long long>(fd_limit));
    return 2;
  }

  net::io_context ioc(static_cast<int>(threads));
  error_code ec;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(target->host, target->port, ec);
  if (ec) {
    std::fprintf(stderr, "load_gen: cannot resolve %s: %s\n", target->host.c_str(), ec.message().c_str());
    return 1;
  }

  // Phase 1: connect everyone (each reads its welcome).
  interval_stats stats;
  std::vector<std::shared_ptr<client>> clients;
  clients.reserve(connections);
  for (std::size_t i = 0; i < connections; ++i) {
    clients.push_back(std::make_shared<client>(ioc, i, *target, report_every > 0 ? &stats : nullptr));
    clients.back()->connect(endpoints);
  }
  run_threads(ioc, threads);
  std::size_t connected = 0;
  for (const auto& c : clients) connected += c->connected() ? 1 : 0;

  // Phase 2: the closed loops, bounded by a watchdog.
  const auto t0 = clock_type::now();
  const run_clock clock{
      t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup)),
      t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup + seconds)),
      max_messages,
      rate > 0 ? std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / rate))
               : clock_type::duration::zero(),
      flags->count("unique") > 0};
  net::steady_timer watchdog(ioc, clock.measure_until + std::chrono::seconds(10));
  std::atomic<bool> watchdog_fired = false;
  watchdog.async_wait([&](error_code wait_ec) {
    if (wait_ec) return;
    watchdog_fired = true;
    for (const auto& c : clients) c->abort();
  });
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (clients[i]->connected()) clients[i]->start(clock, clock.period * i / clients.size());
  }
  // --report-every: one line per interval until the run is over.
  std::atomic<bool> reporting_done = false;
  std::thread reporter([&] {
    if (report_every <= 0) return;
    const auto step = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(report_every));
    auto next = t0 + step;
    for (int n = 1; !reporting_done; ++n, next += step) {
      while (!reporting_done && clock_type::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::uint64_t sent_n, replies_n, errors_n;
      std::vector<double> lat_n;
      {
        std::lock_guard lock(stats.mutex);
        sent_n = std::exchange(stats.sent, 0);
        replies_n = std::exchange(stats.replies, 0);
        errors_n = std::exchange(stats.errors, 0);
        lat_n.swap(stats.latencies_us);
      }
      if (reporting_done && sent_n == 0 && replies_n == 0) break;  // the run ended on an interval boundary
      std::sort(lat_n.begin(), lat_n.end());
      std::printf("INTERVAL n=%d t_s=%.0f sent=%llu replies=%llu errors=%llu p99_ms=%.3f rss_kib=%ld\n", n,
                  std::chrono::duration<double>(clock_type::now() - t0).count(),
                  static_cast<unsigned long long>(sent_n), static_cast<unsigned long long>(replies_n),
                  static_cast<unsigned long long>(errors_n), b::quantile(lat_n, 0.99) / 1000,
                  server_pid > 0 ? b::proc_status_kib(server_pid, "VmRSS") : -1L);
      std::fflush(stdout);
    }
  });
  double server_cpu[2] = {0, 0}, own_cpu[2] = {0, 0};
  auto own_cpu_seconds = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  clock_type::time_point window_end = clock.measure_until;  // earlier when --messages ends the run first
  std::thread canceller([&] {
    // Samples CPU times at both ends of the measured window (its end: the
    // end of the time, or when every client is done), then cancels the
    // watchdog once every client has finished or failed, so run() returns
    // without waiting for it.
    auto all_over = [&] {
      std::size_t n = 0;
      for (const auto& c : clients) n += (c->over() || !c->connected()) ? 1 : 0;
      return n == clients.size();
    };
    std::this_thread::sleep_until(clock.measure_from);
    server_cpu[0] = server_pid > 0 ? b::proc_cpu_seconds(server_pid) : 0;
    own_cpu[0] = own_cpu_seconds();
    while (clock_type::now() < clock.measure_until && !all_over()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    window_end = std::min(clock_type::now(), clock.measure_until);
    server_cpu[1] = server_pid > 0 ? b::proc_cpu_seconds(server_pid) : 0;
    own_cpu[1] = own_cpu_seconds();
    while (!watchdog_fired) {
      if (all_over()) {
        net::post(ioc, [&watchdog] { watchdog.cancel(); });
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  run_threads(ioc, threads);
  canceller.join();
  reporting_done = true;
  reporter.join();

  // Figures.
  std::vector<double> lat;
  std::uint64_t sent = 0, replies = 0, in_window = 0, mismatched = 0, error_replies = 0, failed = 0, unfinished = 0,
                reply_bytes = 0;
  std::string first_failure;
  for (const auto& c : clients) {
    lat.insert(lat.end(), c->latencies_us().begin(), c->latencies_us().end());
    sent += c->sent();
    replies += c->replies();
    in_window += c->replies_in_window();
    mismatched += c->mismatched();
    error_replies += c->error_replies();
    reply_bytes += c->reply_bytes();
    if (!c->failure().empty()) {
      ++failed;
      if (first_failure.empty()) first_failure = c->failure();
    } else if (!c->finished()) {
      ++unfinished;
    }
  }
  std::sort(lat.begin(), lat.end());
  const double window_seconds = std::chrono::duration<double>(window_end - clock.measure_from).count();
  const double rps = window_seconds <= 0 ? 0.0 : static_cast<double>(in_window) / window_seconds;
  const std::uint64_t unanswered = sent - replies;
  const std::uint64_t errors = mismatched + error_replies + failed + unfinished + unanswered;
  const bool ok = errors == 0 && connected == connections;
  const double per_reply = in_window == 0 ? 0.0 : 1e6 / static_cast<double>(in_window);
  const double server_cpu_us = (server_cpu[1] - server_cpu[0]) * per_reply;
  const double load_cpu_us = (own_cpu[1] - own_cpu[0]) * per_reply;

  std::printf("load_gen %s: %s, %zu connections (%zu connected), %.1f s warm-up + %.1f s measured, %u thread%s\n",
              label.c_str(), flags->at("url").c_str(), connections, connected, warmup, seconds, threads,
              threads == 1 ? "" : "s");
  std::printf("  replies/s %.0f   latency p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (%zu samples)\n", rps,
              b::quantile(lat, 0.5) / 1000, b::quantile(lat, 0.99) / 1000, b::quantile(lat, 0.999) / 1000,
              lat.empty() ? 0.0 : lat.back() / 1000, lat.size());
  std::printf("  CPU per reply: server %.1f us%s, load_gen %.1f us; %.0f bytes per reply on average\n", server_cpu_us,
              server_pid > 0 ? "" : " (no --server-pid)", load_cpu_us,
              replies == 0 ? 0.0 : static_cast<double>(reply_bytes) / static_cast<double>(replies));
  std::printf(
      "  sent %llu  replies %llu  unanswered %llu  mismatched %llu  error replies %llu  failed connections "
      "%llu  unfinished %llu%s%s\n",
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(replies),
      static_cast<unsigned long long>(unanswered), static_cast<unsigned long long>(mismatched),
      static_cast<unsigned long long>(error_replies), static_cast<unsigned long long>(failed),
      static_cast<unsigned long long>(unfinished),
      first_failure.empty() ? "" : "  first failure: ", first_failure.c_str());
  std::printf(
      "RESULT label=%s connections=%zu rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
      "server_cpu_us=%.2f load_cpu_us=%.2f errors=%llu ok=%d\n",
      label.c_str(), connections, rps, b::quantile(lat, 0.5), b::quantile(lat, 0.99), b::quantile(lat, 0.999),
      lat.empty() ? 0.0 : lat.back(), server_cpu_us, load_cpu_us, static_cast<unsigned long long>(errors), ok ? 1 : 0);
  return ok ? 0 : 1;
}
