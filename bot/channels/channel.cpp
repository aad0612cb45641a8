#include "bot/channels/channel.hpp"

#include "bot/base/strings.hpp"
#include "bot/http/http_response.hpp"

namespace advisor::channels {
namespace {

void append_part(std::string& out, std::string_view part) {
  for (const char c : part) {
    if (c == '/') {
      out += "%2F";
    } else if (c == '%') {
      out += "%25";
    } else {
      out.push_back(c);
    }
  }
}

std::string_view media_type(std::string_view v) { return trim_ows(v.substr(0, v.find(';'))); }

}  // namespace

std::string conversation_key::to_string() const {
  std::string out;
  for (const auto part : {platform, team, channel, user}) {
    if (!out.empty()) out.push_back('/');
    append_part(out, part);
  }
  return out;
}

channel_base::channel_base(const channel_services& services, std::string name)
    : chat_(services.chat), log_(services.log), name_(std::move(name)), rejected_(services.rejected) {}

channel_base::answer channel_base::ask(const conversation_key& key, std::string_view text) {
  answer out;
  chat_.count_message();
  if (!chat_.ready()) {
    out.error = reject(http::status::service_unavailable, "not_ready", "rules and knowledge are not loaded yet");
    return out;
  }
  const std::string session = key.to_string();
  server::turn_request req;
  req.text = text;
  req.session = session;
  req.channel = name_;
  req.source = server::text_source::platform;
  auto result = chat_.turn(req);
  if (result.status == server::turn_result::outcome::not_ready) {
    out.error = reject(http::status::service_unavailable, "not_ready", "rules and knowledge are not loaded yet");
    return out;
  }
  out.reply = std::move(result.reply);
  return out;
}

route_response channel_base::unauthorized(verdict why) {
  rejected_.with({name_, to_string(why)}).inc();
  chat_.count_error("unauthorized");
  log_.at(server::log_level::info, "webhook_rejected").str("channel", name_).str("reason", to_string(why));
  return server::error_response(http::status::unauthorized, "unauthorized",
                                "the request is not signed correctly for this channel");
}

route_response channel_base::reject(http::status status, std::string_view code, std::string_view message) {
  rejected_.with({name_, code}).inc();
  chat_.count_error(code);
  return server::error_response(status, code, message);
}

route_response channel_base::json(std::string body) { return server::json_response(http::status::ok, std::move(body)); }

std::optional<route_response> channel_base::require_json(const route_request& r) {
  if (has_media_type(r, "application/json")) return std::nullopt;
  return reject(http::status::unsupported_media_type, "unsupported_media_type",
                "Content-Type must be application/json");
}

std::string_view header(const route_request& r, std::string_view name) {
  const auto it = r.message.find(name);
  if (it == r.message.end()) return {};
  return it->value();
}

bool has_media_type(const route_request& r, std::string_view type) {
  return iequals_ascii(media_type(header(r, "Content-Type")), type);
}

}  // namespace advisor::channels
