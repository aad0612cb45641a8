#include "bot/channels/slack_channel.hpp"

#include <boost/json.hpp>

#include "bot/channels/concat.hpp"
#include "bot/channels/form_fields.hpp"
#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

std::string reply_body(const reply& r, std::string_view response_type) {
  json::object o{{"response_type", response_type}, {"text", render_slack_text(r)}, {"blocks", render_slack_blocks(r)}};
  return json::serialize(o);
}

}  // namespace

std::string slack_plain_text(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      const auto close = text.find('>', i);
      if (close != std::string_view::npos) {
        const std::string_view inner = text.substr(i + 1, close - i - 1);
        if (!inner.empty() && inner.front() != '@' && inner.front() != '!' && inner.front() != '#') {
          const auto bar = inner.find('|');
          out += bar == std::string_view::npos ? inner : inner.substr(bar + 1);
        } else if (!inner.empty() && inner.front() == '#') {
          const auto bar = inner.find('|');
          if (bar != std::string_view::npos) out += concat({"#", inner.substr(bar + 1)});
        }
        i = close + 1;
        continue;
      }
    }
    if (text[i] == '&') {
      const std::string_view rest = text.substr(i);
      if (rest.starts_with("&amp;")) {
        out.push_back('&');
        i += 5;
        continue;
      }
      if (rest.starts_with("&lt;")) {
        out.push_back('<');
        i += 4;
        continue;
      }
      if (rest.starts_with("&gt;")) {
        out.push_back('>');
        i += 4;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

slack_channel::slack_channel(const channel_services& services, slack_verifier verifier,
                             std::unique_ptr<slack_api_client> api)
    : channel_base(services, "slack"), verifier_(std::move(verifier)), api_(std::move(api)) {}

route_response slack_channel::handle(const route_request& r) {
  const std::string_view body = r.message.body();
  const verdict v = verifier_.verify(header(r, "X-Slack-Request-Timestamp"), header(r, "X-Slack-Signature"), body);
  if (v != verdict::ok) return unauthorized(v);
  if (has_media_type(r, "application/x-www-form-urlencoded")) return slash_command(body);
  if (has_media_type(r, "application/json")) return event(body);
  return reject(http::status::unsupported_media_type, "unsupported_media_type",
                "Content-Type must be application/x-www-form-urlencoded (slash commands) or application/json (events)");
}

route_response slack_channel::slash_command(std::string_view body) {
  const auto form = form_fields::parse(body);
  if (!form) return reject(http::status::bad_request, "bad_request", "the body is not a valid form encoding");
  if (form->get("ssl_check") == "1") return json("{}");
  if (form->get("command").empty() || form->get("team_id").empty() || form->get("channel_id").empty() ||
      form->get("user_id").empty()) {
    return reject(http::status::bad_request, "bad_request",
                  "a slash command needs the fields command, team_id, channel_id and user_id");
  }
  const conversation_key key{"slack", form->get("team_id"), form->get("channel_id"), form->get("user_id")};
  auto a = ask(key, form->get("text"));
  if (a.error) return std::move(*a.error);
  return json(reply_body(*a.reply, "ephemeral"));
}

route_response slack_channel::event(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return reject(http::status::bad_request, "bad_json", "the body is not a JSON object");
  const auto& o = v.get_object();
  const std::string_view type = str_of(o, "type");
  if (type.empty()) return reject(http::status::bad_request, "bad_request", "field 'type' must be a string");

  if (type == "url_verification") {
    const auto* challenge = o.if_contains("challenge");
    if (challenge == nullptr || !challenge->is_string()) {
      return reject(http::status::bad_request, "bad_request", "field 'challenge' must be a string");
    }
    return json(json::serialize(json::object{{"challenge", challenge->get_string()}}));
  }
  if (type != "event_callback") return json("{}");  // other envelopes (app_rate_limited, ...): acknowledged

  const auto* ev_value = o.if_contains("event");
  if (ev_value == nullptr || !ev_value->is_object()) {
    return reject(http::status::bad_request, "bad_request", "field 'event' must be an object");
  }
  const auto& ev = ev_value->get_object();
  const std::string_view ev_type = str_of(ev, "type");
  const std::string_view event_id = str_of(o, "event_id");

  const auto ignore = [&](std::string_view why) {
    log_.at(server::log_level::debug, "slack_event_ignored").str("reason", why).str("event_id", event_id);
    return json("{}");
  };
  if (ev_type != "app_mention" && ev_type != "message") return ignore("event type");
  // Bots, including this app, never get answers: no reply loops.
  if (ev.contains("bot_id") || ev.contains("bot_profile") || !str_of(ev, "subtype").empty()) return ignore("bot");
  const std::string_view user = str_of(ev, "user");
  if (user.empty()) return ignore("no user");
  if (const auto* auths = o.if_contains("authorizations"); auths != nullptr && auths->is_array()) {
    for (const auto& a : auths->get_array()) {
      if (a.is_object() && str_of(a.get_object(), "user_id") == user) return ignore("own message");
    }
  }
  // Channel messages that mention the app arrive as app_mention; plain
  // message events are answered in direct messages only (else twice).
  if (ev_type == "message" && str_of(ev, "channel_type") != "im") return ignore("not a direct message");
  const std::string_view channel_id = str_of(ev, "channel");
  if (channel_id.empty()) return reject(http::status::bad_request, "bad_request", "field 'event.channel' is missing");
  if (!event_id.empty() && !seen_events_.insert(event_id)) return ignore("duplicate");

  std::string team(str_of(o, "team_id"));
  if (team.empty()) team = std::string(str_of(ev, "team"));
  const conversation_key key{"slack", team, channel_id, user};
  auto a = ask(key, slack_plain_text(str_of(ev, "text")));
  if (a.error) return std::move(*a.error);
  if (api_ == nullptr) {
    log_.at(server::log_level::warn, "slack_event_unanswered").str("reason", "ADVISOR_SLACK_BOT_TOKEN is not set");
    return json("{}");
  }
  slack_api_client::message m;
  m.channel = std::string(channel_id);
  m.text = render_slack_text(*a.reply);
  m.blocks = render_slack_blocks(*a.reply);
  m.thread_ts = std::string(str_of(ev, "thread_ts"));
  api_->post(std::move(m));
  return json("{}");
}

}  // namespace advisor::channels
