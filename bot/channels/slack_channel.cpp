#include "bot/channels/slack_channel.hpp"

#include <boost/json.hpp>

#include "bot/channels/payloads.hpp"
#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

std::string reply_body(const reply& r, std::string_view response_type) {
  json::object o{{"response_type", response_type}, {"text", render_slack_text(r)}, {"blocks", render_slack_blocks(r)}};
  return json::serialize(o);
}

}  // namespace

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
  const auto command = parse_slack_command(body);
  if (!command.value) return reject(http::status::bad_request, command.code, command.message);
  if (command.value->ssl_check) return json("{}");
  const slack_command& c = *command.value;
  const conversation_key key{"slack", c.team, c.channel, c.user};
  auto a = ask(key, c.text);
  if (a.error) return std::move(*a.error);
  return json(reply_body(*a.reply, "ephemeral"));
}

route_response slack_channel::event(std::string_view body) {
  const auto parsed_event = parse_slack_event(body);
  if (!parsed_event.value) return reject(http::status::bad_request, parsed_event.code, parsed_event.message);
  const slack_event& e = *parsed_event.value;
  const auto ignore = [&](std::string_view why) {
    log_.at(server::log_level::debug, "slack_event_ignored").str("reason", why).str("event_id", e.event_id);
    return json("{}");
  };
  switch (e.what) {
    case slack_event::kind::challenge:
      return json(json::serialize(json::object{{"challenge", e.challenge}}));
    case slack_event::kind::acknowledge:
      return json("{}");
    case slack_event::kind::ignore:
      return ignore(e.ignored);
    case slack_event::kind::message:
      break;
  }
  if (!e.event_id.empty() && !seen_events_.insert(e.event_id)) return ignore("duplicate");

  const conversation_key key{"slack", e.team, e.channel, e.user};
  auto a = ask(key, e.text);
  if (a.error) return std::move(*a.error);
  if (api_ == nullptr) {
    log_.at(server::log_level::warn, "slack_event_unanswered").str("reason", "ADVISOR_SLACK_BOT_TOKEN is not set");
    return json("{}");
  }
  slack_api_client::message m;
  m.channel = e.channel;
  m.text = render_slack_text(*a.reply);
  m.blocks = render_slack_blocks(*a.reply);
  m.thread_ts = e.thread_ts;
  api_->post(std::move(m));
  return json("{}");
}

}  // namespace advisor::channels
