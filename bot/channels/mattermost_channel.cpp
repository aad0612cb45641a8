#include "bot/channels/mattermost_channel.hpp"

#include <boost/json.hpp>

#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

}  // namespace

mattermost_channel::mattermost_channel(const channel_services& services, mattermost_verifier verifier)
    : channel_base(services, "mattermost"), verifier_(std::move(verifier)) {}

route_response mattermost_channel::handle(const route_request& r) {
  std::optional<mattermost_fields> req;
  if (r.message.method() == http::verb::get) {
    req = parse_mattermost_form(r.query);  // a slash command configured as GET: the fields are the query
  } else if (has_media_type(r, "application/x-www-form-urlencoded")) {
    req = parse_mattermost_form(r.message.body());
  } else if (has_media_type(r, "application/json")) {
    req = parse_mattermost_json(r.message.body());
  } else {
    return reject(http::status::unsupported_media_type, "unsupported_media_type",
                  "Content-Type must be application/x-www-form-urlencoded or application/json");
  }
  // The token travels in the body: no token can be read from an unreadable
  // body, so it is refused as malformed before anything else happens.
  if (!req) return reject(http::status::bad_request, "bad_request", "the body is not a valid form or JSON object");
  const verdict v = verifier_.verify(req->get("token"), header(r, "Authorization"));
  if (v != verdict::ok) return unauthorized(v);

  const auto message = mattermost_message_of(*req);
  if (!message.value) return reject(http::status::bad_request, message.code, message.message);
  const mattermost_message& m = *message.value;
  const conversation_key key{"mattermost", m.team, m.channel, m.user};
  auto a = ask(key, m.text);
  if (a.error) return std::move(*a.error);
  json::object out{{"text", render_markdown(*a.reply)}};
  if (m.slash) {
    out["response_type"] = "ephemeral";
  } else {
    out["response_type"] = m.in_thread ? "comment" : "post";
  }
  return json(json::serialize(out));
}

}  // namespace advisor::channels
