#pragma once
// server_metrics names the advisor's own metrics in a metrics_registry:
//
//   advisor_connections_current            gauge    open TCP connections (HTTP and WebSocket)
//   advisor_connections_total              counter  accepted TCP connections
//   advisor_messages_total                 counter  WebSocket data messages and /api/v1/chat requests received
//   advisor_replies_total{intent}          counter  replies sent, by intent
//   advisor_errors_total{code}             counter  error frames and HTTP error bodies sent, by code
//   advisor_fallbacks_total                counter  replies with intent "fallback"
//   advisor_match_errors_total             counter  messages re2 could not match (out of memory): answered as fallback
//   advisor_reply_latency_seconds          histogram time to answer and serialise one message
//   advisor_sessions                       gauge    conversations held by the session store
//   advisor_http_requests_total{route,status} counter HTTP requests by route and status
//   advisor_websocket_closes_total{code}   counter  WebSocket closes the server initiated, by close code
//
// Thread safety: as metrics_registry. reply_counter() and error_counter(wire_error)
// are lock-free for the brain's intents and the protocol's codes.

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bot/protocol/wire_error.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::server {

class server_metrics {
 public:
  // intents: every intent the brain can answer with (pre-registered so they
  // show as 0 and are counted without a lock). connections and sessions are
  // read at scrape time.
  server_metrics(metrics_registry& registry, const std::vector<std::string>& intents,
                 std::function<double()> connections, std::function<double()> sessions);

  counter& connections_total() { return *connections_total_; }
  counter& messages_total() { return *messages_total_; }
  counter& fallbacks_total() { return *fallbacks_total_; }
  counter& match_errors_total() { return *match_errors_total_; }
  histogram& reply_latency() { return *reply_latency_; }
  counter_family& http_requests() { return *http_requests_; }
  counter_family& websocket_closes() { return *websocket_closes_; }

  counter& reply_counter(std::string_view intent);
  counter& error_counter(protocol::wire_error code) { return *by_error_[static_cast<std::size_t>(code)]; }
  // For codes outside wire_error (HTTP: not_found, payload_too_large, ...).
  counter& error_counter(std::string_view code) { return errors_->with({code}); }

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  counter* connections_total_;
  counter* messages_total_;
  counter_family* replies_;
  counter_family* errors_;
  counter* fallbacks_total_;
  counter* match_errors_total_;
  histogram* reply_latency_;
  counter_family* http_requests_;
  counter_family* websocket_closes_;
  std::unordered_map<std::string, counter*, string_hash, std::equal_to<>> by_intent_;  // immutable after construction
  std::array<counter*, protocol::wire_error_count> by_error_{};
};

}  // namespace advisor::server
