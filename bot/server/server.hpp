#pragma once
// A server is the whole advisor service on one port: one asynchronous
// Beast/Asio process serving HTTP and WebSocket, a pool of I/O threads, one
// strand per connection, the built-in routes and a session store (in memory,
// or in Redis with options.sessions = "redis://...").
//
//   advisor::server::server s(options, log, brain);
//   if (auto ec = s.listen()) ...;   // bind; s.local_endpoint() has the port
//   s.run();                         // until SIGINT/SIGTERM or stop()
//
// Graceful shutdown (a signal or stop()): stop accepting, keep serving open
// connections for a short grace period (100 ms) so messages already sent are
// answered, then close WebSockets with 1001 once their queued replies are
// written and end idle keep-alive connections; finally
// return once no connection is left or after options.shutdown_timeout,
// whichever comes first. A second signal stops at once.
//
// SIGHUP calls the handler given to on_reload() (on the server's strand: it
// must return quickly, e.g. hand the work to a rules_reloader); without one
// SIGHUP is logged and ignored.
//
// Thread safety: stop() may be called from any thread; the rest from the
// owning thread. Register extra routes on context().routes before run().

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "bot/engine/brain.hpp"
#include "bot/server/logger.hpp"
#include "bot/server/net.hpp"
#include "bot/server/server_context.hpp"
#include "bot/server/server_options.hpp"

namespace advisor::server {

class listener;

class server {
 public:
  // log must outlive the server.
  server(server_options options, logger& log, std::shared_ptr<const brain> b);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  server_context& context() { return *ctx_; }

  // Binds and listens on options.bind:options.port.
  error_code listen();
  // The bound endpoint; valid after a successful listen().
  tcp::endpoint local_endpoint() const;

  // Serves on options.threads threads (the caller's included) until the
  // graceful shutdown ends.
  void run();
  // Starts the graceful shutdown.
  void stop();
  // Sets what SIGHUP does; call before run().
  void on_reload(std::function<void()> handler) { on_reload_ = std::move(handler); }

 private:
  void wait_for_signal();
  void begin_shutdown(std::string_view reason);
  void schedule_housekeeping();
  void check_drained();

  std::unique_ptr<server_context> ctx_;  // outlives ioc_: handlers refer to it
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> strand_;  // the server's own timers and signals
  std::shared_ptr<listener> listener_;
  net::signal_set signals_;
  net::steady_timer housekeeping_timer_;
  net::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point drain_deadline_;
  unsigned housekeeping_ticks_ = 0;
  bool stopping_ = false;  // on strand_
  std::function<void()> on_reload_;
};

}  // namespace advisor::server
