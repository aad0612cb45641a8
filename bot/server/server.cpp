#include "bot/server/server.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include "bot/http/routes.hpp"
#include "bot/net/listener.hpp"

namespace advisor::server {
namespace {

constexpr auto housekeeping_interval = std::chrono::milliseconds(250);
constexpr unsigned sweep_every_ticks = 40;  // sweep the session store every 10 s
constexpr auto drain_poll_interval = std::chrono::milliseconds(10);
// After a shutdown signal, connections keep serving this long before they
// are asked to close, so messages already sent (in socket buffers) are
// still answered.
constexpr auto shutdown_grace = std::chrono::milliseconds(100);

net_limits net_limits_of(const server_options& o) {
  net_limits n;
  n.max_message_bytes = o.max_message_bytes;
  n.max_queue = o.max_queue;
  n.permessage_deflate = o.permessage_deflate;
  n.allowed_origins = o.allowed_origins;
  n.max_body_bytes = o.max_body_bytes;
  n.max_header_bytes = o.max_header_bytes;
  n.max_connections = o.max_connections;
  n.handshake_timeout = o.handshake_timeout;
  n.idle_timeout = o.idle_timeout;
  n.http_timeout = o.http_timeout;
  n.rate = rate_options{o.msg_rate, o.msg_burst, o.abuse_factor, o.abuse_window};
  return n;
}

std::vector<std::string> intents_of(const std::shared_ptr<const brain>& b) {
  if (b == nullptr) return {};
  return b->intent_names();
}

}  // namespace

server::server(server_options options, logger& log, std::shared_ptr<const brain> b,
               std::unique_ptr<session_store> sessions)
    : options_(std::move(options)),
      log_(log),
      sessions_(std::move(sessions)),
      metrics_(
          registry_, intents_of(b),
          [this] { return static_cast<double>(net_.open_connections.load(std::memory_order_relaxed)); },
          [this] { return static_cast<double>(sessions_->size()); }),
      chat_(protocol::text_limits{options_.max_text_chars}, *sessions_, metrics_, log_, std::move(b)),
      net_(net_limits_of(options_), log_, metrics_, routes_, chat_),
      ioc_(static_cast<int>(std::max(1u, options_.threads))),
      strand_(net::make_strand(ioc_)),
      listener_(std::make_shared<listener>(ioc_, net_)),
      signals_(strand_, SIGINT, SIGTERM, SIGHUP),
      housekeeping_timer_(strand_),
      drain_timer_(strand_) {
  sessions_->register_metrics(registry_);
  add_builtin_routes(routes_, {chat_, registry_, net_.shutting_down, net_.options.allowed_origins});
}

server::~server() = default;

error_code server::listen() {
  error_code ec;
  const auto address = net::ip::make_address(options_.bind, ec);
  if (ec) return ec;
  return listener_->open(tcp::endpoint(address, options_.port));
}

tcp::endpoint server::local_endpoint() const { return listener_->local_endpoint(); }

void server::run() {
  wait_for_signal();
  net::dispatch(strand_, [this] { schedule_housekeeping(); });
  listener_->run();

  const unsigned n = std::max(1u, options_.threads);
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
  log_.flush();
}

void server::stop() {
  net::post(strand_, [this] { begin_shutdown("stop"); });
}

void server::wait_for_signal() {
  signals_.async_wait([this](error_code ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      log_.at(log_level::info, "sighup").boolean("reload", static_cast<bool>(on_reload_));
      if (on_reload_ && !stopping_) on_reload_();
      return wait_for_signal();
    }
    if (stopping_) {
      // A second signal: stop now.
      log_.at(log_level::warn, "shutdown_forced").num("signal", signo);
      ioc_.stop();
      return;
    }
    begin_shutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
    wait_for_signal();
  });
}

void server::begin_shutdown(std::string_view reason) {
  if (stopping_) return;
  stopping_ = true;
  net_.shutting_down.store(true);
  log_.at(log_level::info, "shutdown")
      .str("reason", reason)
      .num("connections", static_cast<std::uint64_t>(net_.open_connections.load()));
  log_.flush();
  listener_->stop();
  housekeeping_timer_.cancel();
  const auto now = std::chrono::steady_clock::now();
  drain_deadline_ = now + options_.shutdown_timeout;
  drain_timer_.expires_at(std::min(now + shutdown_grace, drain_deadline_));
  drain_timer_.async_wait([this](error_code ec) {
    if (ec) return;
    net_.connections.shutdown_all();
    check_drained();
  });
}

void server::check_drained() {
  const auto open = net_.open_connections.load();
  if (open == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (open != 0) {
      log_.at(log_level::warn, "shutdown_timeout").num("connections", static_cast<std::uint64_t>(open));
    }
    ioc_.stop();
    return;
  }
  drain_timer_.expires_after(drain_poll_interval);
  drain_timer_.async_wait([this](error_code ec) {
    if (!ec) check_drained();
  });
}

void server::schedule_housekeeping() {
  if (stopping_) return;
  housekeeping_timer_.expires_after(housekeeping_interval);
  housekeeping_timer_.async_wait([this](error_code ec) {
    if (ec || stopping_) return;
    log_.flush();
    if (++housekeeping_ticks_ % sweep_every_ticks == 0) {
      if (const auto removed = sessions_->sweep(); removed > 0) {
        log_.at(log_level::debug, "sessions_expired").num("removed", static_cast<std::uint64_t>(removed));
      }
    }
    schedule_housekeeping();
  });
}

}  // namespace advisor::server
