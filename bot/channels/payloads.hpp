#pragma once
// A payload is a team-chat request's body (or a GET's query) read into what
// its adapter needs to answer: where the person asks (team, channel, user)
// and what they ask, with each platform's markup removed. One parser per
// platform payload (integrations.md); the adapters (slack_channel, ...) call
// them after the signature check and content-type choice, then ask the
// chat service and render.
//
// The parsers are pure functions of their input: no chat service, no I/O,
// no exceptions for any bytes (tests/fuzz/payload_fuzz.cpp feeds them
// arbitrary bytes). A payload that cannot be understood gives an error
// (the adapter answers it 400 with that code and message).
//
// Thread safety: free functions over values; safe from any thread.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace advisor::channels {

// What a parser gives: a value, or the error to answer (400).
template <class T>
struct parsed {
  std::optional<T> value;
  std::string code;     // when no value: "bad_json" or "bad_request"
  std::string message;  // when no value: what is wrong, for the person who sent it
};

// --- Slack (slash commands: a form; the Events API: JSON) ------------------

struct slack_command {
  bool ssl_check = false;  // ssl_check=1: answer 200, nothing else
  std::string team;
  std::string channel;
  std::string user;
  std::string text;  // as typed (may be empty: the help reply)
};

parsed<slack_command> parse_slack_command(std::string_view body);

struct slack_event {
  enum class kind {
    challenge,    // url_verification: answer {"challenge": challenge}
    acknowledge,  // another envelope (app_rate_limited, ...): 200 {}
    ignore,       // an event not to answer (bots, other types): 200 {}, why in `ignored`
    message,      // a person's mention or direct message: answer it
  };
  kind what = kind::acknowledge;
  std::string challenge;
  std::string ignored;  // kind::ignore: the reason, for the debug log
  std::string event_id;
  std::string team;
  std::string channel;
  std::string user;
  std::string text;  // slack_plain_text of the event's text
  std::string thread_ts;
};

parsed<slack_event> parse_slack_event(std::string_view body);

// The user text of an app_mention or message event: mentions (<@U..>,
// <!here>) removed, links reduced to their label, &amp; &lt; &gt; decoded.
std::string slack_plain_text(std::string_view text);

// --- Mattermost (outgoing webhooks: form or JSON; slash commands: form,
// or the query string of a GET) ---------------------------------------------

// The string fields of a Mattermost request, by name.
struct mattermost_fields {
  std::map<std::string, std::string, std::less<>> fields;
  std::string_view get(std::string_view k) const;
};

// nullopt when the form encoding is invalid, or the JSON is not an object
// or has a field the adapter reads (token, channel_id, ...) of another type.
std::optional<mattermost_fields> parse_mattermost_form(std::string_view form);
std::optional<mattermost_fields> parse_mattermost_json(std::string_view body);

struct mattermost_message {
  bool slash = false;  // a slash command (it has `command`), else an outgoing webhook
  std::string team;
  std::string channel;
  std::string user;
  std::string text;        // the trigger word stripped for outgoing webhooks
  bool in_thread = false;  // outgoing webhook with a post_id: answer as a comment
};

// The message of fields whose token was checked: channel_id and user_id are required.
parsed<mattermost_message> mattermost_message_of(const mattermost_fields& f);

// text without a leading trigger word (and the ':' or ',' after it).
std::string strip_trigger_word(std::string_view text, std::string_view trigger);

// --- Microsoft Teams (outgoing webhooks: a Bot Framework Activity) --------

struct teams_activity {
  std::string id;    // the activity id, for deduplication ("" when absent)
  std::string team;  // channelData.team.id, else channelData.tenant.id
  std::string conversation;
  std::string user;
  std::string text;  // teams_plain_text of the activity's text
};

parsed<teams_activity> parse_teams_activity(std::string_view body);

// The user text of a Teams message: <at>..</at> mentions and other tags
// removed, common HTML entities decoded, white space trimmed.
std::string teams_plain_text(std::string_view html);

// --- Discord (interactions) -------------------------------------------------

struct discord_interaction {
  bool ping = false;  // type 1: answer PONG
  std::string guild;
  std::string channel;
  std::string user;      // member.user.id, else user.id
  std::string question;  // the first string option's value
};

parsed<discord_interaction> parse_discord_interaction(std::string_view body);

}  // namespace advisor::channels
