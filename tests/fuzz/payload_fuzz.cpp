// libFuzzer target: the team-chat adapters' payload parsers
// (bot/channels/payloads.hpp), which read what a platform signed: Slack
// slash commands and Events API envelopes, Mattermost forms, query strings
// and JSON, Teams activities and Discord interactions. The signature checks
// (webhook_fuzz.cpp) come first in the adapters; here the bytes are taken
// as signed, as a platform with a leaked secret or a bug could send them.
// Every input goes through every parser; the results must be consistent
// (a value or an error code, never both or neither).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bot/channels/payloads.hpp"

namespace ch = advisor::channels;

namespace {

template <class T>
void check(const ch::parsed<T>& p) {
  if (p.value.has_value() == !p.code.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  check(ch::parse_slack_command(body));
  const auto event = ch::parse_slack_event(body);
  check(event);
  if (event.value && event.value->what == ch::slack_event::kind::message &&
      (event.value->channel.empty() || event.value->user.empty())) {
    __builtin_trap();  // a message to answer always says where and from whom
  }

  for (const auto& fields : {ch::parse_mattermost_form(body), ch::parse_mattermost_json(body)}) {
    if (!fields) continue;
    const auto message = ch::mattermost_message_of(*fields);
    check(message);
    if (message.value && (message.value->channel.empty() || message.value->user.empty())) __builtin_trap();
  }

  check(ch::parse_teams_activity(body));
  check(ch::parse_discord_interaction(body));

  (void)ch::slack_plain_text(body);
  (void)ch::teams_plain_text(body);
  (void)ch::strip_trigger_word(body, "advisor");
  return 0;
}
