#pragma once
// A server is the whole advisor service on one port, assembled from the
// layers: the session store (bot/sessions), the metrics (bot/ops), the chat
// service that answers every turn (bot/chat), the route table with the
// built-in routes (bot/http) and the listener with its HTTP and WebSocket
// sessions (bot/net). One asynchronous Beast/Asio process, a pool of I/O
// threads, one strand per connection.
//
//   auto store = advisor::server::open_session_store(...);   // bot/sessions
//   advisor::server::server s(options, log, brain, std::move(store));
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
// owning thread. Register extra routes on routes() before run().

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "bot/chat/chat_service.hpp"
#include "bot/engine/brain.hpp"
#include "bot/http/router.hpp"
#include "bot/net/net.hpp"
#include "bot/net/net_context.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"
#include "bot/ops/server_metrics.hpp"
#include "bot/server/server_options.hpp"
#include "bot/sessions/session_store.hpp"

namespace advisor::server {

class listener;

class server {
 public:
  // log must outlive the server.
  server(server_options options, logger& log, std::shared_ptr<const brain> b, std::unique_ptr<session_store> sessions);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // What the parts added by the application (admin routes, channels, the
  // reloader) are built from.
  chat_service& chat() { return chat_; }
  router& routes() { return routes_; }
  metrics_registry& registry() { return registry_; }
  server_metrics& metrics() { return metrics_; }
  logger& log() { return log_; }

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

  const server_options options_;
  logger& log_;
  const std::unique_ptr<session_store> sessions_;
  metrics_registry registry_;
  server_metrics metrics_;
  chat_service chat_;
  router routes_;
  net_context net_;  // outlives ioc_ (as all of the above): handlers refer to it
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
