#include "bot/http/routes.hpp"

#include <boost/json.hpp>

#include "bot/base/strings.hpp"
#include "bot/chat/chat_service.hpp"
#include "bot/http/http_response.hpp"
#include "bot/http/static_routes.hpp"
#include "bot/protocol/client_frame.hpp"

namespace advisor::server {
namespace {

using advisor::iequals_ascii;
using advisor::trim_ows;

http::status status_of(protocol::wire_error) { return http::status::bad_request; }

route_response not_ready_response() {
  return error_response(http::status::service_unavailable, "not_ready", "rules and knowledge are not loaded yet");
}

route_response chat(chat_service& svc, const route_request& r) {
  svc.count_message();
  const auto& req = r.message;
  if (!acceptable_chat_content_type(req[http::field::content_type])) {
    svc.count_error("unsupported_media_type");
    return error_response(http::status::unsupported_media_type, "unsupported_media_type",
                          "Content-Type must be application/json");
  }
  if (!svc.ready()) {
    svc.count_error("not_ready");
    return not_ready_response();
  }
  auto parsed = protocol::parse_chat_request(req.body(), svc.limits());
  if (auto* err = std::get_if<protocol::frame_error>(&parsed)) {
    svc.count_error(err->code);
    return error_response(status_of(err->code), protocol::to_string(err->code), err->message);
  }
  auto& chat = std::get<protocol::chat_request>(parsed);
  auto session = svc.open(chat.session.value_or(std::string()), /*save_new=*/false);
  turn_request turn;
  turn.text = chat.text;
  turn.id = std::move(chat.id);
  turn.session = session.id;
  turn.channel = "http";
  turn.form = reply_form::frame_with_session;
  turn.explain = chat.explain;
  auto result = svc.turn(turn, session.conv);
  if (result.status == turn_result::outcome::not_ready) {
    svc.count_error("not_ready");
    return not_ready_response();
  }
  return json_response(http::status::ok, std::move(result.frame));
}

}  // namespace

bool acceptable_chat_content_type(std::string_view value) {
  // The body is parsed as JSON whatever it is labelled, so be liberal in
  // what is accepted: no Content-Type, or what simple clients send by
  // default (curl -d: form-urlencoded; fetch with a string body: text/plain).
  // A body declared as something else (XML, multipart, JSON in another
  // charset) is refused.
  const std::string_view type = trim_ows(value.substr(0, value.find(';')));
  if (type.empty()) return true;
  if (iequals_ascii(type, "text/plain") || iequals_ascii(type, "application/x-www-form-urlencoded"))
    return is_json_content_type(std::string("application/json").append(value.substr(type.size())));
  return is_json_content_type(value);
}

bool is_json_content_type(std::string_view value) {
  auto semi = value.find(';');
  if (!iequals_ascii(trim_ows(value.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    const std::string_view param = trim_ows(value.substr(0, semi));
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals_ascii(trim_ows(param.substr(0, eq)), "charset")) continue;
    std::string_view charset = trim_ows(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!iequals_ascii(charset, "utf-8") && !iequals_ascii(charset, "utf8")) return false;
  }
  return true;
}

void add_builtin_routes(router& routes, const builtin_routes_env& env) {
  routes.add(http::verb::get, "/healthz",
             [](const route_request&) { return json_response(http::status::ok, R"({"status":"ok"})"); });

  routes.add(http::verb::get, "/readyz", [&chat = env.chat, &stopping = env.shutting_down](const route_request&) {
    const auto b = chat.current_brain();
    if (b == nullptr || stopping.load()) {
      return error_response(http::status::service_unavailable, "not_ready",
                            b == nullptr ? "rules and knowledge are not loaded yet" : "shutting down");
    }
    boost::json::object o;
    o["status"] = "ready";
    o["version"] = b->version();
    o["rules"] = b->rule_count();
    return json_response(http::status::ok, boost::json::serialize(o));
  });

  routes.add(http::verb::get, "/metrics", [&registry = env.registry](const route_request&) {
    return make_response(http::status::ok, "text/plain; version=0.0.4", registry.render());
  });

  routes.add(http::verb::post, "/api/v1/chat", [&svc = env.chat](const route_request& r) { return chat(svc, r); });

  routes.add(http::verb::get, "/ws", [](const route_request&) {
    auto res = error_response(http::status::upgrade_required, "upgrade_required",
                              "GET /ws must be a WebSocket upgrade request");
    res.set(http::field::upgrade, "websocket");
    return res;
  });

  add_static_routes(routes, env.allowed_origins);
}

}  // namespace advisor::server
