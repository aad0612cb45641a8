// idle_conns: server memory per idle WebSocket connection (built, never run
// as a test). Reads the server's resident set size (VmRSS in
// /proc/<pid>/status), opens N WebSocket connections to a ws:// URL (a few
// hundred handshakes in flight at a time), waits until every one has read
// its welcome frame and a settling time has passed, reads VmRSS again and
// prints the difference per connection. The connections stay idle: each
// keeps a read pending, so the server's keep-alive pings are answered. Then
// it closes them all and exits (0 when all N opened).
//
//   idle_conns --url ws://127.0.0.1:PORT/ws --pid SERVER_PID [--connections 10000]
//              [--parallel 200] [--settle 2] [--label NAME]
//
// Both this tool and the server need more than N descriptors: it raises its
// own soft limit to the hard limit, as the advisor and echo_server do (see
// `ulimit -Hn`). The advisor's --max-connections (default 20000) must be
// above N.
//
// The last stdout line is machine-readable for tests/bench/run.sh:
//   RESULT label=... connections=... rss_before_kib=... rss_after_kib=... kib_per_conn=... ok=1
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bot/net/net.hpp"
#include "tests/bench/bench_common.hpp"

namespace {

using namespace advisor::server;  // net, beast, http, websocket, tcp, error_code

// Counts shared by every connection; only touched on the io_context's one
// thread except the atomics, which main() polls.
struct progress {
  std::atomic<std::size_t> opened = 0;
  std::atomic<std::size_t> failed = 0;
  std::size_t next = 0;  // index of the next connection to start
  std::string first_failure;
};

class idle_client : public std::enable_shared_from_this<idle_client> {
 public:
  idle_client(net::io_context& ioc, const advisor::bench::ws_target& target, progress& p, std::function<void()> on_done)
      : ws_(ioc), target_(target), progress_(p), on_done_(std::move(on_done)) {}

  void open(const tcp::resolver::results_type& endpoints) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(endpoints,
                                               beast::bind_front_handler(&idle_client::on_connect, shared_from_this()));
  }

  void close() {
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void failed(std::string_view what, const error_code& ec) {
    if (progress_.first_failure.empty()) progress_.first_failure = std::string(what) + ": " + ec.message();
    ++progress_.failed;
    on_done_();
  }

  void on_connect(error_code ec, const tcp::endpoint&) {
    if (ec) return failed("connect", ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.async_handshake(target_.host + ":" + target_.port, target_.path,
                        beast::bind_front_handler(&idle_client::on_handshake, shared_from_this()));
  }

  void on_handshake(error_code ec) {
    if (ec) return failed("handshake", ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.async_read(buffer_, beast::bind_front_handler(&idle_client::on_welcome, shared_from_this()));
  }

  void on_welcome(error_code ec, std::size_t) {
    if (ec) return failed("read welcome", ec);
    ++progress_.opened;
    on_done_();
    do_read();
  }

  // Stays idle; a pending read answers the server's pings. A frame here
  // would be unexpected but harmless.
  void do_read() {
    buffer_.clear();
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (!ec) self->do_read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  const advisor::bench::ws_target& target_;
  progress& progress_;
  std::function<void()> on_done_;
};

}  // namespace

int main(int argc, char** argv) {
  namespace b = advisor::bench;
  const auto flags = b::parse_flags(argc, argv);
  if (!flags || flags->count("help") || !flags->count("url") || !flags->count("pid")) {
    std::fprintf(stderr,
                 "usage: idle_conns --url ws://127.0.0.1:PORT/ws --pid SERVER_PID [--connections 10000]\n"
                 "                  [--parallel 200] [--settle 2] [--label NAME]\n");
    return flags && flags->count("help") ? 0 : 2;
  }
  const auto target = b::parse_ws_url(flags->at("url"));
  if (!target) {
    std::fprintf(stderr, "idle_conns: --url must be ws://HOST:PORT/PATH\n");
    return 2;
  }
  const auto pid = static_cast<long>(b::flag_number(*flags, "pid", 0));
  const auto n = static_cast<std::size_t>(std::max(1.0, b::flag_number(*flags, "connections", 10000)));
  const auto parallel = static_cast<std::size_t>(std::max(1.0, b::flag_number(*flags, "parallel", 200)));
  const double settle = std::clamp(b::flag_number(*flags, "settle", 2), 0.0, 60.0);
  const std::string label = b::flag_string(*flags, "label", "idle");
  const auto fd_limit = b::raise_file_limit();
  if (n + 16 > fd_limit) {
    std::fprintf(stderr, "idle_conns: %zu connections need more descriptors than the limit (%llu); see ulimit -Hn\n", n,
                 static_cast<unsigned long long>(fd_limit));
    return 2;
  }
  const long before = b::proc_status_kib(pid, "VmRSS");
  if (before < 0) {
    std::fprintf(stderr, "idle_conns: cannot read /proc/%ld/status\n", pid);
    return 2;
  }

  net::io_context ioc(1);
  error_code ec;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(target->host, target->port, ec);
  if (ec) {
    std::fprintf(stderr, "idle_conns: cannot resolve %s: %s\n", target->host.c_str(), ec.message().c_str());
    return 1;
  }

  progress p;
  std::vector<std::shared_ptr<idle_client>> clients;
  clients.reserve(n);
  // Each finished handshake (or failure) starts the next connection, so at
  // most `parallel` are in flight.
  std::function<void()> start_next = [&] {
    if (p.next >= n) return;
    auto c = std::make_shared<idle_client>(ioc, *target, p, [&] { start_next(); });
    clients.push_back(c);
    ++p.next;
    c->open(endpoints);
  };
  const auto t0 = std::chrono::steady_clock::now();
  net::post(ioc, [&] {
    for (std::size_t i = 0; i < std::min(parallel, n); ++i) start_next();
  });
  auto guard = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });

  // Wait (bounded) until every connection has opened or failed.
  const auto deadline = t0 + std::chrono::seconds(120);
  while (p.opened + p.failed < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double open_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::duration<double>(settle));
  const long after = b::proc_status_kib(pid, "VmRSS");
  const std::size_t opened = p.opened;

  // Close everything (abruptly: the servers treat a reset as a quiet end).
  net::post(ioc, [&] {
    for (const auto& c : clients) c->close();
    guard.reset();
  });
  io.join();

  const double per_conn = opened == 0 ? 0.0 : static_cast<double>(after - before) / static_cast<double>(opened);
  const bool ok = opened == n;
  std::printf("idle_conns %s: %s pid %ld, %zu of %zu connections open in %.1f s (%zu failed%s%s)\n", label.c_str(),
              flags->at("url").c_str(), pid, opened, n, open_seconds, p.failed.load(),
              p.first_failure.empty() ? "" : ", first: ", p.first_failure.c_str());
  std::printf("  server VmRSS %ld KiB before, %ld KiB after %.1f s settling: %.2f KiB per idle connection\n", before,
              after, settle, per_conn);
  std::printf("RESULT label=%s connections=%zu rss_before_kib=%ld rss_after_kib=%ld kib_per_conn=%.2f ok=%d\n",
              label.c_str(), opened, before, after, per_conn, ok ? 1 : 0);
  return ok ? 0 : 1;
}
