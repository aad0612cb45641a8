#include "bot/channels/mattermost_channel.hpp"

#include <boost/json.hpp>
#include <map>

#include "bot/channels/form_fields.hpp"
#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

// The fields a Mattermost request carries, from a form or a JSON object.
struct mattermost_request {
  std::map<std::string, std::string, std::less<>> fields;
  std::string_view get(std::string_view k) const {
    const auto it = fields.find(k);
    return it == fields.end() ? std::string_view() : std::string_view(it->second);
  }
};

std::optional<mattermost_request> from_form(std::string_view body) {
  const auto form = form_fields::parse(body);
  if (!form) return std::nullopt;
  mattermost_request out;
  for (const char* k : {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
                        "post_id", "text", "trigger_word", "command", "response_url"}) {
    if (form->has(k)) out.fields.emplace(k, std::string(form->get(k)));
  }
  return out;
}

std::optional<mattermost_request> from_json(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  mattermost_request out;
  for (const auto& [k, value] : v.get_object()) {
    if (value.is_string()) {
      out.fields.emplace(std::string(k), std::string(value.get_string()));
    } else if (k == "token" || k == "channel_id" || k == "user_id" || k == "text" || k == "trigger_word" ||
               k == "team_id" || k == "command") {
      return std::nullopt;  // a field the adapter reads, of the wrong type: 400, not an empty value
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string strip_trigger_word(std::string_view text, std::string_view trigger) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  if (!trigger.empty() && text.starts_with(trigger)) {
    text.remove_prefix(trigger.size());
    while (!text.empty() && (is_space(text.front()) || text.front() == ':' || text.front() == ',')) {
      text.remove_prefix(1);
    }
  }
  return std::string(text);
}

mattermost_channel::mattermost_channel(const channel_services& services,
                                       mattermost_verifier verifier)
    : channel_base(services, "mattermost"), verifier_(std::move(verifier)) {}

route_response mattermost_channel::handle(const route_request& r) {
  std::optional<mattermost_request> req;
  if (r.message.method() == http::verb::get) {
    req = from_form(r.query);
  } else if (has_media_type(r, "application/x-www-form-urlencoded")) {
    req = from_form(r.message.body());
  } else if (has_media_type(r, "application/json")) {
    req = from_json(r.message.body());
  } else {
    return reject(http::status::unsupported_media_type, "unsupported_media_type",
                  "Content-Type must be application/x-www-form-urlencoded or application/json");
  }
  // The token travels in the body: no token can be read from an unreadable
  // body, so it is refused as malformed before anything else happens.
  if (!req) return reject(http::status::bad_request, "bad_request", "the body is not a valid form or JSON object");
  const verdict v = verifier_.verify(req->get("token"), header(r, "Authorization"));
  if (v != verdict::ok) return unauthorized(v);

  if (req->get("channel_id").empty() || req->get("user_id").empty()) {
    return reject(http::status::bad_request, "bad_request", "fields channel_id and user_id are required");
  }
  const bool slash = !req->get("command").empty();
  const std::string text =
      slash ? std::string(req->get("text")) : strip_trigger_word(req->get("text"), req->get("trigger_word"));
  const conversation_key key{"mattermost", req->get("team_id"), req->get("channel_id"), req->get("user_id")};
  auto a = ask(key, text);
  if (a.error) return std::move(*a.error);
  json::object out{{"text", render_markdown(*a.reply)}};
  if (slash) {
    out["response_type"] = "ephemeral";
  } else {
    out["response_type"] = req->get("post_id").empty() ? "post" : "comment";
  }
  return json(json::serialize(out));
}

}  // namespace advisor::channels
