#include "bot/server/server.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include "bot/server/listener.hpp"
#include "bot/server/memory_session_store.hpp"
#include "bot/server/redis_session_store.hpp"
#include "bot/server/routes.hpp"

namespace advisor::server {
namespace {

constexpr auto housekeeping_interval = std::chrono::milliseconds(250);
constexpr unsigned sweep_every_ticks = 40;  // sweep the session store every 10 s
constexpr auto drain_poll_interval = std::chrono::milliseconds(10);
// After a shutdown signal, connections keep serving this long before they
// are asked to close, so messages already sent (in socket buffers) are
// still answered.
constexpr auto shutdown_grace = std::chrono::milliseconds(100);

std::unique_ptr<session_store> make_session_store(const server_options& o, logger& log) {
  if (o.sessions != "memory") {
    std::string error;
    if (auto ro = redis_session_store::parse_url(o.sessions, error)) {
      ro->idle = std::chrono::duration_cast<std::chrono::milliseconds>(o.session_idle);
      return std::make_unique<redis_session_store>(std::move(*ro), log);
    }
    log.always(log_level::error, "bad_session_store").str("sessions", o.sessions).str("error", error);
  }
  return std::make_unique<memory_session_store>(o.session_idle, o.max_sessions);
}

}  // namespace

server::server(server_options options, logger& log, std::shared_ptr<const brain> b)
    : ctx_(std::make_unique<server_context>(
          options, log, std::move(b),
          make_session_store(options, log))),
      ioc_(static_cast<int>(std::max(1u, options.threads))),
      strand_(net::make_strand(ioc_)),
      listener_(std::make_shared<listener>(ioc_, *ctx_)),
      signals_(strand_, SIGINT, SIGTERM, SIGHUP),
      housekeeping_timer_(strand_),
      drain_timer_(strand_) {
  ctx_->sessions->register_metrics(ctx_->registry);
  add_builtin_routes(*ctx_);
}

server::~server() = default;

error_code server::listen() {
  error_code ec;
  const auto address = net::ip::make_address(ctx_->options.bind, ec);
  if (ec) return ec;
  return listener_->open(tcp::endpoint(address, ctx_->options.port));
}

tcp::endpoint server::local_endpoint() const { return listener_->local_endpoint(); }

void server::run() {
  wait_for_signal();
  net::dispatch(strand_, [this] { schedule_housekeeping(); });
  listener_->run();

  const unsigned n = std::max(1u, ctx_->options.threads);
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
  ctx_->log.flush();
}

void server::stop() {
  net::post(strand_, [this] { begin_shutdown("stop"); });
}

void server::wait_for_signal() {
  signals_.async_wait([this](error_code ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      ctx_->log.at(log_level::info, "sighup").boolean("reload", static_cast<bool>(on_reload_));
      if (on_reload_ && !stopping_) on_reload_();
      return wait_for_signal();
    }
    if (stopping_) {
      // A second signal: stop now.
      ctx_->log.at(log_level::warn, "shutdown_forced").num("signal", signo);
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
  ctx_->shutting_down.store(true);
  ctx_->log.at(log_level::info, "shutdown")
      .str("reason", reason)
      .num("connections", static_cast<std::uint64_t>(ctx_->open_connections.load()));
  ctx_->log.flush();
  listener_->stop();
  housekeeping_timer_.cancel();
  const auto now = std::chrono::steady_clock::now();
  drain_deadline_ = now + ctx_->options.shutdown_timeout;
  drain_timer_.expires_at(std::min(now + shutdown_grace, drain_deadline_));
  drain_timer_.async_wait([this](error_code ec) {
    if (ec) return;
    ctx_->connections.shutdown_all();
    check_drained();
  });
}

void server::check_drained() {
  const auto open = ctx_->open_connections.load();
  if (open == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (open != 0) {
      ctx_->log.at(log_level::warn, "shutdown_timeout").num("connections", static_cast<std::uint64_t>(open));
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
    ctx_->log.flush();
    if (++housekeeping_ticks_ % sweep_every_ticks == 0) {
      if (const auto removed = ctx_->sessions->sweep(); removed > 0) {
        ctx_->log.at(log_level::debug, "sessions_expired").num("removed", static_cast<std::uint64_t>(removed));
      }
    }
    schedule_housekeeping();
  });
}

}  // namespace advisor::server
