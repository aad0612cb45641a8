#include "bot/channels/teams_channel.hpp"

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <cctype>

#include "bot/base/strings.hpp"
#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

// o[a][b] as a string, "" when absent.
std::string_view nested(const json::object& o, std::string_view a, std::string_view b) {
  const auto* v = o.if_contains(a);
  return v != nullptr && v->is_object() ? str_of(v->get_object(), b) : std::string_view();
}

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

std::string teams_plain_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (starts_with_ascii_ci(html.substr(i), "<at")) {
        // Drop the whole mention, its text included.
        const auto end = html.find("</at>", i);
        const auto end_ci = end == std::string_view::npos ? html.find("</AT>", i) : end;
        if (end_ci != std::string_view::npos) {
          i = end_ci + 5;
          continue;
        }
      }
      const auto close = html.find('>', i);
      if (close != std::string_view::npos) {
        const std::string_view tag = html.substr(i, close - i + 1);
        if (starts_with_ascii_ci(tag, "<br") || starts_with_ascii_ci(tag, "</p") ||
            starts_with_ascii_ci(tag, "</div")) {
          out += ' ';
        }
        i = close + 1;
        continue;
      }
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> entities[] = {
          {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
          {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
      bool decoded = false;
      for (const auto& [entity, text] : entities) {
        if (html.substr(i).starts_with(entity)) {
          out += text;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out.push_back(c);
    ++i;
  }
  std::string_view t = out;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return std::string(t);
}

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
  auto request = parse_json_request(r);
  if (request.error) return std::move(*request.error);
  const json::object& o = *request.object;
  const auto* text = o.if_contains("text");
  if (text == nullptr || !text->is_string()) {
    return reject(http::status::bad_request, "bad_request", "field 'text' must be a string");
  }
  const std::string_view activity_id = str_of(o, "id");
  const std::string dedupe_key = *id + "\n" + std::string(activity_id);
  if (!activity_id.empty()) {
    if (auto previous = answered_.find(dedupe_key)) return json(std::move(*previous));
  }

  std::string_view team;
  if (const auto* cd = o.if_contains("channelData"); cd != nullptr && cd->is_object()) {
    team = nested(cd->get_object(), "team", "id");
    if (team.empty()) team = nested(cd->get_object(), "tenant", "id");
  }
  const std::string conversation = std::string(*id) + ":" + std::string(nested(o, "conversation", "id"));
  const conversation_key key{"teams", team, conversation, nested(o, "from", "id")};
  auto a = ask(key, teams_plain_text(text->get_string()));
  if (a.error) return std::move(*a.error);
  std::string out = json::serialize(json::object{{"type", "message"}, {"text", render_markdown(*a.reply)}});
  if (!activity_id.empty()) answered_.insert(dedupe_key, out);
  return json(std::move(out));
}

}  // namespace advisor::channels
