#pragma once
// A server_context is the state every connection of one server shares: the
// options, the loaded brain, the session store, metrics, the logger, the
// route table and the registry of live connections. The server owns it;
// sessions hold a reference (the server outlives them).
//
// Thread safety: options, limits and routes are read-only once serving
// starts; the other members are thread-safe themselves. The brain is
// swapped atomically (set_brain, see rules_reloader); every message is
// answered by the brain current when it arrives.

#include <atomic>
#include <memory>

#include "bot/engine/brain.hpp"
#include "bot/protocol/client_frame.hpp"
#include "bot/server/connection.hpp"
#include "bot/server/logger.hpp"
#include "bot/server/metrics.hpp"
#include "bot/server/router.hpp"
#include "bot/server/server_metrics.hpp"
#include "bot/server/server_options.hpp"
#include "bot/server/session_store.hpp"

namespace advisor::server {

class server_context {
 public:
  // b may be null (the server is then not ready: /readyz answers 503 and
  // chat requests get 503 until set_brain()).
  server_context(server_options options, logger& log, std::shared_ptr<const brain> b,
                 std::unique_ptr<session_store> sessions);
  server_context(const server_context&) = delete;
  server_context& operator=(const server_context&) = delete;

  std::shared_ptr<const brain> current_brain() const { return brain_.load(std::memory_order_acquire); }
  void set_brain(std::shared_ptr<const brain> b) { brain_.store(std::move(b), std::memory_order_release); }
  bool ready() const { return current_brain() != nullptr; }

  const server_options options;
  const protocol::text_limits limits;
  logger& log;
  const std::unique_ptr<session_store> sessions;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> shutting_down{false};
  metrics_registry registry;
  server_metrics metrics;
  router routes;
  connection_registry connections;

 private:
  std::atomic<std::shared_ptr<const brain>> brain_;
};

}  // namespace advisor::server
