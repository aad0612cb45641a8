#include "bot/channels/payloads.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <utility>

#include "bot/base/strings.hpp"
#include "bot/channels/concat.hpp"
#include "bot/channels/form_fields.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

template <class T>
parsed<T> failure(std::string_view code, std::string_view message) {
  parsed<T> out;
  out.code = std::string(code);
  out.message = std::string(message);
  return out;
}

template <class T>
parsed<T> success(T value) {
  parsed<T> out;
  out.value = std::move(value);
  return out;
}

// The body as a JSON object, or nullopt.
std::optional<json::object> json_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The string member `key` of o, "" when absent or not a string.
std::string_view str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

const json::object* object_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// o[a][b] as a string, "" when absent.
std::string_view nested(const json::object& o, std::string_view a, std::string_view b) {
  const auto* inner = object_of(o, a);
  return inner != nullptr ? str(*inner, b) : std::string_view();
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The first string option's value, depth-first through sub-command options.
std::optional<std::string_view> discord_question(const json::object& container, int depth = 0) {
  const auto* options = container.if_contains("options");
  if (options == nullptr || !options->is_array() || depth > 3) return std::nullopt;
  for (const auto& opt : options->get_array()) {
    if (!opt.is_object()) continue;
    const auto& o = opt.get_object();
    if (const auto* v = o.if_contains("value"); v != nullptr && v->is_string())
      return std::string_view(v->get_string());
    if (auto inner = discord_question(o, depth + 1)) return inner;
  }
  return std::nullopt;
}

constexpr std::string_view not_json = "the body is not a JSON object";

}  // namespace

// --- Slack -------------------------------------------------------------------

parsed<slack_command> parse_slack_command(std::string_view body) {
  const auto form = form_fields::parse(body);
  if (!form) return failure<slack_command>("bad_request", "the body is not a valid form encoding");
  slack_command out;
  if (form->get("ssl_check") == "1") {
    out.ssl_check = true;
    return success(std::move(out));
  }
  if (form->get("command").empty() || form->get("team_id").empty() || form->get("channel_id").empty() ||
      form->get("user_id").empty()) {
    return failure<slack_command>("bad_request",
                                  "a slash command needs the fields command, team_id, channel_id and user_id");
  }
  out.team = std::string(form->get("team_id"));
  out.channel = std::string(form->get("channel_id"));
  out.user = std::string(form->get("user_id"));
  out.text = std::string(form->get("text"));
  return success(std::move(out));
}

parsed<slack_event> parse_slack_event(std::string_view body) {
  const auto parsed_body = json_object(body);
  if (!parsed_body) return failure<slack_event>("bad_json", not_json);
  const json::object& o = *parsed_body;
  const std::string_view type = str(o, "type");
  if (type.empty()) return failure<slack_event>("bad_request", "field 'type' must be a string");

  slack_event out;
  out.event_id = std::string(str(o, "event_id"));
  if (type == "url_verification") {
    const auto* challenge = o.if_contains("challenge");
    if (challenge == nullptr || !challenge->is_string())
      return failure<slack_event>("bad_request", "field 'challenge' must be a string");
    out.what = slack_event::kind::challenge;
    out.challenge = std::string(challenge->get_string());
    return success(std::move(out));
  }
  if (type != "event_callback") return success(std::move(out));  // other envelopes: acknowledged

  const json::object* ev = object_of(o, "event");
  if (ev == nullptr) return failure<slack_event>("bad_request", "field 'event' must be an object");
  const std::string_view ev_type = str(*ev, "type");
  const auto ignore = [&](std::string_view why) {
    out.what = slack_event::kind::ignore;
    out.ignored = std::string(why);
    return success(std::move(out));
  };
  if (ev_type != "app_mention" && ev_type != "message") return ignore("event type");
  // Bots, including this app, never get answers: no reply loops.
  if (ev->contains("bot_id") || ev->contains("bot_profile") || !str(*ev, "subtype").empty()) return ignore("bot");
  const std::string_view user = str(*ev, "user");
  if (user.empty()) return ignore("no user");
  if (const auto* auths = o.if_contains("authorizations"); auths != nullptr && auths->is_array()) {
    for (const auto& a : auths->get_array()) {
      if (a.is_object() && str(a.get_object(), "user_id") == user) return ignore("own message");
    }
  }
  // Channel messages that mention the app arrive as app_mention; plain
  // message events are answered in direct messages only (else twice).
  if (ev_type == "message" && str(*ev, "channel_type") != "im") return ignore("not a direct message");
  const std::string_view channel = str(*ev, "channel");
  if (channel.empty()) return failure<slack_event>("bad_request", "field 'event.channel' is missing");

  out.what = slack_event::kind::message;
  out.team = std::string(str(o, "team_id"));
  if (out.team.empty()) out.team = std::string(str(*ev, "team"));
  out.channel = std::string(channel);
  out.user = std::string(user);
  out.text = slack_plain_text(str(*ev, "text"));
  out.thread_ts = std::string(str(*ev, "thread_ts"));
  return success(std::move(out));
}

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

// --- Mattermost --------------------------------------------------------------

std::string_view mattermost_fields::get(std::string_view k) const {
  const auto it = fields.find(k);
  return it == fields.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<mattermost_fields> parse_mattermost_form(std::string_view form) {
  const auto parsed_form = form_fields::parse(form);
  if (!parsed_form) return std::nullopt;
  mattermost_fields out;
  for (const char* k : {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
                        "post_id", "text", "trigger_word", "command", "response_url"}) {
    if (parsed_form->has(k)) out.fields.emplace(k, std::string(parsed_form->get(k)));
  }
  return out;
}

std::optional<mattermost_fields> parse_mattermost_json(std::string_view body) {
  const auto o = json_object(body);
  if (!o) return std::nullopt;
  mattermost_fields out;
  for (const auto& [k, value] : *o) {
    if (value.is_string()) {
      out.fields.emplace(std::string(k), std::string(value.get_string()));
    } else if (k == "token" || k == "channel_id" || k == "user_id" || k == "text" || k == "trigger_word" ||
               k == "team_id" || k == "command") {
      return std::nullopt;  // a field the adapter reads, of the wrong type: 400, not an empty value
    }
  }
  return out;
}

parsed<mattermost_message> mattermost_message_of(const mattermost_fields& f) {
  if (f.get("channel_id").empty() || f.get("user_id").empty())
    return failure<mattermost_message>("bad_request", "fields channel_id and user_id are required");
  mattermost_message out;
  out.slash = !f.get("command").empty();
  out.team = std::string(f.get("team_id"));
  out.channel = std::string(f.get("channel_id"));
  out.user = std::string(f.get("user_id"));
  out.text = out.slash ? std::string(f.get("text")) : strip_trigger_word(f.get("text"), f.get("trigger_word"));
  out.in_thread = !f.get("post_id").empty();
  return success(std::move(out));
}

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

// --- Microsoft Teams ---------------------------------------------------------

parsed<teams_activity> parse_teams_activity(std::string_view body) {
  const auto o = json_object(body);
  if (!o) return failure<teams_activity>("bad_json", not_json);
  const auto* text = o->if_contains("text");
  if (text == nullptr || !text->is_string())
    return failure<teams_activity>("bad_request", "field 'text' must be a string");
  teams_activity out;
  out.id = std::string(str(*o, "id"));
  if (const auto* cd = object_of(*o, "channelData")) {
    out.team = std::string(nested(*cd, "team", "id"));
    if (out.team.empty()) out.team = std::string(nested(*cd, "tenant", "id"));
  }
  out.conversation = std::string(nested(*o, "conversation", "id"));
  out.user = std::string(nested(*o, "from", "id"));
  out.text = teams_plain_text(text->get_string());
  return success(std::move(out));
}

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
      for (const auto& [entity, replacement] : entities) {
        if (html.substr(i).starts_with(entity)) {
          out += replacement;
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

// --- Discord -----------------------------------------------------------------

parsed<discord_interaction> parse_discord_interaction(std::string_view body) {
  const auto o = json_object(body);
  if (!o) return failure<discord_interaction>("bad_json", not_json);
  const auto* type = o->if_contains("type");
  if (type == nullptr || !type->is_int64())
    return failure<discord_interaction>("bad_request", "field 'type' must be an integer");
  discord_interaction out;
  if (type->get_int64() == 1) {
    out.ping = true;
    return success(std::move(out));
  }
  if (type->get_int64() != 2)
    return failure<discord_interaction>("bad_request", "only PING and application commands are supported");
  const auto* data = object_of(*o, "data");
  if (data == nullptr) return failure<discord_interaction>("bad_request", "field 'data' must be an object");

  if (const auto* member = object_of(*o, "member")) {
    if (const auto* u = object_of(*member, "user")) out.user = std::string(str(*u, "id"));
  }
  if (out.user.empty()) {
    if (const auto* u = object_of(*o, "user")) out.user = std::string(str(*u, "id"));
  }
  out.guild = std::string(str(*o, "guild_id"));
  out.channel = std::string(str(*o, "channel_id"));
  out.question = std::string(discord_question(*data).value_or(std::string_view()));
  return success(std::move(out));
}

}  // namespace advisor::channels
