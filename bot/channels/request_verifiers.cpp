#include "bot/channels/request_verifiers.hpp"

#include <charconv>
#include <chrono>

#include "bot/base/strings.hpp"
#include "bot/channels/crypto.hpp"

namespace advisor::channels {
namespace {

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

using advisor::iequals_ascii;
constexpr std::string_view trim(std::string_view s) { return advisor::trim_ows(s); }

// Splits "Scheme value" at the first space; nullopt when scheme differs
// (case-insensitive) or there is no value.
std::optional<std::string_view> credentials(std::string_view header, std::string_view scheme) {
  header = trim(header);
  const auto space = header.find(' ');
  if (space == std::string_view::npos || !iequals_ascii(header.substr(0, space), scheme)) return std::nullopt;
  const auto value = trim(header.substr(space + 1));
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::ok:
      return "ok";
    case verdict::missing:
      return "missing";
    case verdict::malformed:
      return "malformed";
    case verdict::stale:
      return "stale";
    case verdict::bad_signature:
      return "bad_signature";
  }
  return "unknown";
}

// --- Slack ---

slack_verifier::slack_verifier(std::string secret, clock now)
    : secret_(std::move(secret)), now_(now ? std::move(now) : clock(&system_now)) {}

std::string slack_verifier::sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string base = "v0:";
  base += timestamp;
  base += ':';
  base += body;
  return "v0=" + to_hex(hmac_sha256(secret, base));
}

verdict slack_verifier::verify(std::string_view timestamp, std::string_view signature, std::string_view body) const {
  timestamp = trim(timestamp);
  signature = trim(signature);
  if (timestamp.empty() || signature.empty()) return verdict::missing;
  std::int64_t ts = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) return verdict::malformed;
  if (signature.substr(0, 3) != "v0=") return verdict::malformed;
  const auto given = from_hex(signature.substr(3));
  if (!given || given->size() != 32) return verdict::malformed;
  // Far-off values (negative, year 5000, ...) are stale; the bound also keeps
  // the subtraction below from overflowing.
  constexpr std::int64_t max_plausible = std::int64_t{1} << 40;
  const std::int64_t now = now_();
  if (ts < 0 || ts > max_plausible || now < 0 || now > max_plausible) return verdict::stale;
  const std::int64_t skew = now > ts ? now - ts : ts - now;
  if (skew > replay_window_seconds) return verdict::stale;
  std::string base = "v0:";
  base += timestamp;
  base += ':';
  base += body;
  return constant_time_equal(hmac_sha256(secret_, base), *given) ? verdict::ok : verdict::bad_signature;
}

// --- Teams ---

std::optional<teams_verifier> teams_verifier::from_base64_token(std::string_view token) {
  auto key = from_base64(trim(token));
  if (!key || key->empty()) return std::nullopt;
  return teams_verifier(std::move(*key));
}

std::string teams_verifier::sign(std::string_view raw_key, std::string_view body) {
  return "HMAC " + to_base64(hmac_sha256(raw_key, body));
}

verdict teams_verifier::verify(std::string_view authorization, std::string_view body) const {
  if (trim(authorization).empty()) return verdict::missing;
  const auto value = credentials(authorization, "HMAC");
  if (!value) return verdict::malformed;
  const auto given = from_base64(*value);
  if (!given || given->size() != 32) return verdict::malformed;
  return constant_time_equal(hmac_sha256(key_, body), *given) ? verdict::ok : verdict::bad_signature;
}

// --- Discord ---

std::optional<discord_verifier> discord_verifier::from_hex_key(std::string_view public_key_hex) {
  auto key = from_hex(trim(public_key_hex));
  if (!key || key->size() != 32) return std::nullopt;
  return discord_verifier(std::move(*key));
}

verdict discord_verifier::verify(std::string_view signature_hex, std::string_view timestamp,
                                 std::string_view body) const {
  signature_hex = trim(signature_hex);
  timestamp = trim(timestamp);
  if (signature_hex.empty() || timestamp.empty()) return verdict::missing;
  const auto sig = from_hex(signature_hex);
  if (!sig || sig->size() != 64) return verdict::malformed;
  std::string message;
  message.reserve(timestamp.size() + body.size());
  message += timestamp;
  message += body;
  return ed25519_verify(key_, message, *sig) ? verdict::ok : verdict::bad_signature;
}

// --- Mattermost ---

mattermost_verifier::mattermost_verifier(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

bool mattermost_verifier::accepted(std::string_view token) const {
  bool found = false;
  // Compare against every token (no early exit), each in constant time.
  for (const auto& t : tokens_) found |= constant_time_equal(t, token);
  return found;
}

verdict mattermost_verifier::verify(std::string_view token, std::string_view authorization) const {
  if (token.empty() && trim(authorization).empty()) return verdict::missing;
  if (!trim(authorization).empty()) {
    const auto value = credentials(authorization, "Token");
    if (!value) return verdict::malformed;
    if (!accepted(*value)) return verdict::bad_signature;
    // A slash command always carries the field too; when present it must agree.
    if (!token.empty() && !constant_time_equal(*value, token)) return verdict::bad_signature;
    return verdict::ok;
  }
  return accepted(token) ? verdict::ok : verdict::bad_signature;
}

}  // namespace advisor::channels
