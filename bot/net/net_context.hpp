#pragma once
// A net_context is what the network layer (listener, HTTP and WebSocket
// sessions) shares: its limits, the logger and metrics, the route table
// that answers HTTP requests, the chat service that answers WebSocket
// messages, and the registry of live connections. The server owns it and
// everything it refers to; sessions hold a reference (the server outlives
// them).
//
// Thread safety: options and routes are read-only once serving starts; the
// other members are thread-safe themselves.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "bot/chat/chat_service.hpp"
#include "bot/chat/frame_handler.hpp"
#include "bot/http/router.hpp"
#include "bot/net/connection.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/server_metrics.hpp"

namespace advisor::server {

// The network limits (server_options documents each).
struct net_limits {
  std::size_t max_message_bytes = 16 * 1024;
  std::size_t max_queue = 64;
  bool permessage_deflate = false;
  std::vector<std::string> allowed_origins;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_connections = 20000;
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds http_timeout{std::chrono::seconds(30)};
  rate_options rate;  // per WebSocket connection
};

class net_context {
 public:
  net_context(net_limits limits, logger& log_ref, server_metrics& metrics_ref, router& routes_ref,
              chat_service& chat_ref)
      : options(std::move(limits)), log(log_ref), metrics(metrics_ref), routes(routes_ref), chat(chat_ref) {}
  net_context(const net_context&) = delete;
  net_context& operator=(const net_context&) = delete;

  // True once a brain is loaded (WebSocket upgrades wait for it).
  bool ready() const { return chat.ready(); }

  const net_limits options;
  logger& log;
  server_metrics& metrics;
  router& routes;
  chat_service& chat;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> shutting_down{false};
  connection_registry connections;
};

}  // namespace advisor::server
