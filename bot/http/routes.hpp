#pragma once
// The server's built-in HTTP routes:
//   GET  /healthz      200 {"status":"ok"} while the process serves
//   GET  /readyz       200 {"status":"ready",...} once a brain is loaded, else 503
//   GET  /metrics      Prometheus text format
//   POST /api/v1/chat  {"text":...,"session":...} -> the reply object plus "session"
//   GET  /ws           without Upgrade headers: 426 (upgrades never reach the router)
//   GET  /, /widget.js the demo page and the web widget (static_routes.hpp)
// The team-chat webhooks (/hooks/<channel>) and /admin/reload register
// themselves on the same router (bot/channels, admin_routes.hpp).

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "bot/chat/chat_service.hpp"
#include "bot/http/router.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::server {

// What the built-in routes read; everything must outlive the routes.
struct builtin_routes_env {
  chat_service& chat;                               // answers /api/v1/chat; its brain decides /readyz
  metrics_registry& registry;                       // rendered by /metrics
  const std::atomic<bool>& shutting_down;           // /readyz answers 503 once set
  const std::vector<std::string>& allowed_origins;  // --allowed-origins (static routes)
};

// Registers the routes above on routes.
void add_builtin_routes(router& routes, const builtin_routes_env& env);

// True for what POST /api/v1/chat accepts: "application/json" (as
// is_json_content_type), no Content-Type, or text/plain or
// application/x-www-form-urlencoded whose charset (if any) is UTF-8.
bool acceptable_chat_content_type(std::string_view value);

// True for "application/json", optionally with parameters, where a charset
// parameter must name UTF-8 (case-insensitive: "application/json;
// charset=UTF-8").
bool is_json_content_type(std::string_view value);

}  // namespace advisor::server
