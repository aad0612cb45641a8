#include "bot/channels/teams_channel.hpp"

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

// The decoded ?id= value; nullopt when the query cannot be parsed.
std::optional<std::string> webhook_id(std::string_view query) {
  if (query.empty()) return std::string();
  // Boost.URL 1.81's parse_query reads up to a NUL whatever the view's
  // length; the query is a view into the target: parse a terminated copy.
  const std::string owned(query);
  const auto params = boost::urls::parse_query(owned);
  if (!params) return std::nullopt;
  for (const auto& p : *params) {
    if (p.key.decode() == "id") return p.has_value ? p.value.decode() : std::string();
  }
  return std::string();
}

}  // namespace

teams_channel::teams_channel(const channel_services& services,
                             std::map<std::string, teams_verifier, std::less<>> verifiers)
    : channel_base(services, "teams"), verifiers_(std::move(verifiers)) {}

route_response teams_channel::handle(const route_request& r) {
  const std::string_view body = r.message.body();
  if (body.empty()) return reject(http::status::bad_request, "bad_request", "the body is empty");
  const auto id = webhook_id(r.query);
  const auto it = id ? verifiers_.find(*id) : verifiers_.end();
  if (it == verifiers_.end()) return unauthorized(verdict::missing);
  const verdict v = it->second.verify(header(r, "Authorization"), body);
  if (v != verdict::ok) return unauthorized(v);
  if (auto wrong = require_json(r)) return std::move(*wrong);
  const auto activity = parse_teams_activity(body);
  if (!activity.value) return reject(http::status::bad_request, activity.code, activity.message);
  const teams_activity& act = *activity.value;
  const std::string dedupe_key = *id + "\n" + act.id;
  if (!act.id.empty()) {
    if (auto previous = answered_.find(dedupe_key)) return json(std::move(*previous));
  }

  const std::string conversation = *id + ":" + act.conversation;
  const conversation_key key{"teams", act.team, conversation, act.user};
  auto a = ask(key, act.text);
  if (a.error) return std::move(*a.error);
  std::string out = json::serialize(json::object{{"type", "message"}, {"text", render_markdown(*a.reply)}});
  if (!act.id.empty()) answered_.insert(dedupe_key, out);
  return json(std::move(out));
}

}  // namespace advisor::channels
