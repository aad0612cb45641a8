#pragma once
// The server's built-in HTTP routes:
//   GET  /healthz      200 {"status":"ok"} while the process serves
//   GET  /readyz       200 {"status":"ready",...} once a brain is loaded, else 503
//   GET  /metrics      Prometheus text format
//   POST /api/v1/chat  {"text":...,"session":...} -> the reply object plus "session"
//   GET  /ws           without Upgrade headers: 426 (upgrades never reach the router)
//   GET  /, /widget.js the demo page and the web widget (static_routes.hpp)
// /hooks/<channel> registers itself on the same router in a later feature.

#include <string_view>

#include "bot/server/server_context.hpp"

namespace advisor::server {

// Registers the routes above on ctx.routes.
void add_builtin_routes(server_context& ctx);

// True for what POST /api/v1/chat accepts: "application/json" (as
// is_json_content_type), no Content-Type, or text/plain or
// application/x-www-form-urlencoded whose charset (if any) is UTF-8.
bool acceptable_chat_content_type(std::string_view value);

// True for "application/json", optionally with parameters, where a charset
// parameter must name UTF-8 (case-insensitive: "application/json;
// charset=UTF-8").
bool is_json_content_type(std::string_view value);

}  // namespace advisor::server
