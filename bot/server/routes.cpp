#include "bot/server/routes.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "bot/protocol/client_frame.hpp"
#include "bot/server/chat_turn.hpp"
#include "bot/server/http_response.hpp"
#include "bot/server/session_id.hpp"
#include "bot/server/static_routes.hpp"

namespace advisor::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

http::status status_of(protocol::wire_error) { return http::status::bad_request; }

route_response chat(server_context& ctx, const route_request& r) {
  ctx.metrics.messages_total().inc();
  const auto& req = r.message;
  if (!acceptable_chat_content_type(req[http::field::content_type])) {
    ctx.metrics.error_counter("unsupported_media_type").inc();
    return error_response(http::status::unsupported_media_type, "unsupported_media_type",
                          "Content-Type must be application/json");
  }
  const auto b = ctx.current_brain();
  if (b == nullptr) {
    ctx.metrics.error_counter("not_ready").inc();
    return error_response(http::status::service_unavailable, "not_ready", "rules and knowledge are not loaded yet");
  }
  auto parsed = protocol::parse_chat_request(req.body(), ctx.limits);
  if (auto* err = std::get_if<protocol::frame_error>(&parsed)) {
    ctx.metrics.error_counter(err->code).inc();
    return error_response(status_of(err->code), protocol::to_string(err->code), err->message);
  }
  auto& chat = std::get<protocol::chat_request>(parsed);
  std::string session;
  conversation conv;
  if (chat.session && plausible_session_id(*chat.session)) {
    if (auto stored = ctx.sessions->load(*chat.session)) {
      session = std::move(*chat.session);
      conv = *stored;
    }
  }
  if (session.empty()) session = new_session_id();
  std::string body = answer_turn(ctx, *b, conv, chat.text, chat.id, session, "http", true);
  ctx.sessions->save(session, conv);
  return json_response(http::status::ok, std::move(body));
}

}  // namespace

bool acceptable_chat_content_type(std::string_view value) {
  // The body is parsed as JSON whatever it is labelled, so be liberal in
  // what is accepted: no Content-Type, or what simple clients send by
  // default (curl -d: form-urlencoded; fetch with a string body: text/plain).
  // A body declared as something else (XML, multipart, JSON in another
  // charset) is refused.
  const std::string_view type = trim(value.substr(0, value.find(';')));
  if (type.empty()) return true;
  if (iequals(type, "text/plain") || iequals(type, "application/x-www-form-urlencoded"))
    return is_json_content_type(std::string("application/json").append(value.substr(type.size())));
  return is_json_content_type(value);
}

bool is_json_content_type(std::string_view value) {
  auto semi = value.find(';');
  if (!iequals(trim(value.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    const std::string_view param = trim(value.substr(0, semi));
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) continue;
    std::string_view charset = trim(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!iequals(charset, "utf-8") && !iequals(charset, "utf8")) return false;
  }
  return true;
}

void add_builtin_routes(server_context& ctx) {
  ctx.routes.add(http::verb::get, "/healthz",
                 [](const route_request&) { return json_response(http::status::ok, R"({"status":"ok"})"); });

  ctx.routes.add(http::verb::get, "/readyz", [&ctx](const route_request&) {
    const auto b = ctx.current_brain();
    if (b == nullptr || ctx.shutting_down.load()) {
      return error_response(http::status::service_unavailable, "not_ready",
                            b == nullptr ? "rules and knowledge are not loaded yet" : "shutting down");
    }
    boost::json::object o;
    o["status"] = "ready";
    o["version"] = b->version();
    o["rules"] = b->rule_count();
    return json_response(http::status::ok, boost::json::serialize(o));
  });

  ctx.routes.add(http::verb::get, "/metrics", [&ctx](const route_request&) {
    return make_response(http::status::ok, "text/plain; version=0.0.4", ctx.registry.render());
  });

  ctx.routes.add(http::verb::post, "/api/v1/chat", [&ctx](const route_request& r) { return chat(ctx, r); });

  ctx.routes.add(http::verb::get, "/ws", [](const route_request&) {
    auto res = error_response(http::status::upgrade_required, "upgrade_required",
                              "GET /ws must be a WebSocket upgrade request");
    res.set(http::field::upgrade, "websocket");
    return res;
  });

  add_static_routes(ctx);
}

}  // namespace advisor::server
