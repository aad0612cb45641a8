#pragma once
// Request verifiers: each checks that a webhook request really comes from
// its platform, on the raw body bytes, before anything parses the body
// (integrations.md). They know nothing of HTTP or the server: callers pass
// header values and the body.
//
//   slack_verifier      X-Slack-Signature over "v0:<timestamp>:<body>",
//                       HMAC-SHA256 with the signing secret, 5-minute window
//   teams_verifier      Authorization: HMAC <base64>, HMAC-SHA256 with the
//                       base64-decoded security token over the body
//   discord_verifier    X-Signature-Ed25519 over "<timestamp><body>" with the
//                       application's public key
//   mattermost_verifier the token field (and Authorization: Token) against
//                       the configured tokens
//
// Every comparison of secret-derived bytes is constant-time.
//
// Thread safety: a verifier is immutable after construction; verify() may be
// called from any thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::channels {

enum class verdict {
  ok,
  missing,        // a required header or field is absent or empty
  malformed,      // present but not of the expected shape (not hex, not a number, ...)
  stale,          // outside the replay window
  bad_signature,  // well formed but does not match
};

// "ok", "missing", "malformed", "stale", "bad_signature" (a metrics label).
std::string_view to_string(verdict v);

class slack_verifier {
 public:
  using clock = std::function<std::int64_t()>;  // now, in Unix seconds

  // Requests whose timestamp is more than this far from now are stale.
  static constexpr std::int64_t replay_window_seconds = 300;

  // secret is the app's signing secret (its UTF-8 bytes are the HMAC key);
  // now defaults to the system clock.
  explicit slack_verifier(std::string secret, clock now = {});

  // timestamp and signature are the X-Slack-Request-Timestamp and
  // X-Slack-Signature values ("" when absent).
  verdict verify(std::string_view timestamp, std::string_view signature, std::string_view body) const;

  // "v0=" + hex HMAC of the base string (for tests and the stand-ins).
  static std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body);

 private:
  std::string secret_;
  clock now_;
};

class teams_verifier {
 public:
  // key is the security token as Teams shows it (base64). Returns nullopt
  // when it is not valid base64.
  static std::optional<teams_verifier> from_base64_token(std::string_view token);

  // authorization is the Authorization header value ("HMAC <base64>").
  verdict verify(std::string_view authorization, std::string_view body) const;

  // "HMAC " + base64 HMAC of body under the decoded key.
  static std::string sign(std::string_view raw_key, std::string_view body);

 private:
  explicit teams_verifier(std::string raw_key) : key_(std::move(raw_key)) {}
  std::string key_;  // decoded bytes
};

class discord_verifier {
 public:
  // public_key_hex is the application's public key (64 hex characters).
  // Returns nullopt when it is not.
  static std::optional<discord_verifier> from_hex_key(std::string_view public_key_hex);

  // signature_hex and timestamp are the X-Signature-Ed25519 and
  // X-Signature-Timestamp values. Discord's timestamp is signed but has no
  // documented window, so it is not checked against the clock.
  verdict verify(std::string_view signature_hex, std::string_view timestamp, std::string_view body) const;

 private:
  explicit discord_verifier(std::string raw_key) : key_(std::move(raw_key)) {}
  std::string key_;  // 32 raw bytes
};

class mattermost_verifier {
 public:
  // tokens: every accepted token (one per outgoing webhook or slash command).
  explicit mattermost_verifier(std::vector<std::string> tokens);

  // token is the body's token field; authorization the Authorization header
  // ("" when absent; when present it must be "Token <t>" with an accepted t).
  verdict verify(std::string_view token, std::string_view authorization) const;

 private:
  bool accepted(std::string_view token) const;
  std::vector<std::string> tokens_;
};

}  // namespace advisor::channels
