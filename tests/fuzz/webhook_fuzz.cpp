// libFuzzer target: the team-chat webhooks' request verifiers and form
// parser (bot/channels/request_verifiers.hpp, form_fields.hpp), which run on
// raw, unauthenticated bytes. The input is split at NUL bytes into up to
// three fields (two header values and a body) and goes through every
// verifier; a request signed with the verifier's own key must verify.
// The adapters' payload parsers, which run after these checks, are fuzzed
// by payload_fuzz.cpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/channels/form_fields.hpp"
#include "bot/channels/request_verifiers.hpp"

namespace ch = advisor::channels;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view f[3];
  std::string_view rest = input;
  for (int i = 0; i < 2; ++i) {
    const auto z = rest.find('\0');
    if (z == std::string_view::npos) break;
    f[i] = rest.substr(0, z);
    rest.remove_prefix(z + 1);
  }
  f[2] = rest;  // the body
  const auto [a, b, body] = f;

  constexpr std::int64_t now = 1531420618;
  const ch::slack_verifier slack("8f742231b10e8888abcd99yyyzzz85a5", [] { return now; });
  (void)slack.verify(a, b, body);
  const std::string ts = std::to_string(now);
  if (slack.verify(ts, ch::slack_verifier::sign("8f742231b10e8888abcd99yyyzzz85a5", ts, body), body) !=
      ch::verdict::ok) {
    __builtin_trap();
  }

  static const auto teams = ch::teams_verifier::from_base64_token("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
  if (!teams) __builtin_trap();
  (void)teams->verify(a, body);
  (void)ch::teams_verifier::from_base64_token(a);

  static const auto discord =
      ch::discord_verifier::from_hex_key("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  if (!discord) __builtin_trap();
  (void)discord->verify(a, b, body);
  (void)ch::discord_verifier::from_hex_key(a);

  const ch::mattermost_verifier mattermost({"tok1", "another-token"});
  (void)mattermost.verify(a, b);

  if (auto form = ch::form_fields::parse(body)) {
    (void)form->get("text");
    (void)form->get("token");
  }
  (void)ch::is_valid_utf8(input);
  return 0;
}
