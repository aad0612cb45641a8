#include "bot/ops/server_metrics.hpp"

namespace advisor::server {

server_metrics::server_metrics(metrics_registry& registry, const std::vector<std::string>& intents,
                               std::function<double()> connections, std::function<double()> sessions) {
  registry.add_gauge_fn("advisor_connections_current", "Open TCP connections (HTTP and WebSocket).",
                        std::move(connections));
  connections_total_ = &registry.add_counter("advisor_connections_total", "TCP connections accepted.");
  messages_total_ = &registry.add_counter("advisor_messages_total",
                                          "Client messages received (WebSocket data messages and chat API requests).");
  replies_ = &registry.add_counter_family("advisor_replies_total", "Replies sent, by intent.", {"intent"});
  errors_ = &registry.add_counter_family("advisor_errors_total", "Error frames and HTTP error bodies sent, by code.",
                                         {"code"});
  fallbacks_total_ = &registry.add_counter("advisor_fallbacks_total", "Replies with intent fallback.");
  match_errors_total_ = &registry.add_counter(
      "advisor_match_errors_total", "Messages the rule matcher could not match (re2 out of memory), answered as fallback.");
  reply_latency_ = &registry.add_histogram(
      "advisor_reply_latency_seconds", "Time to answer and serialise one message.",
      {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0});
  registry.add_gauge_fn("advisor_sessions", "Conversations held by the session store.", std::move(sessions));
  http_requests_ = &registry.add_counter_family("advisor_http_requests_total", "HTTP requests by route and status.",
                                                {"route", "status"});
  websocket_closes_ = &registry.add_counter_family(
      "advisor_websocket_closes_total", "WebSocket closes initiated by the server, by close code.", {"code"});

  for (const auto& intent : intents) by_intent_.emplace(intent, &replies_->with({intent}));
  for (std::size_t i = 0; i < protocol::wire_error_count; ++i) {
    by_error_[i] = &errors_->with({protocol::to_string(static_cast<protocol::wire_error>(i))});
  }
}

counter& server_metrics::reply_counter(std::string_view intent) {
  if (const auto it = by_intent_.find(intent); it != by_intent_.end()) return *it->second;
  return replies_->with({intent});
}

}  // namespace advisor::server
