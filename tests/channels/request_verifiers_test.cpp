// The request verifiers with the vectors of integrations.md.
#include "bot/channels/request_verifiers.hpp"

#include <catch2/catch.hpp>

#include "bot/channels/crypto.hpp"

using namespace advisor::channels;

namespace {

// Slack's published example.
constexpr std::string_view slack_secret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr std::string_view slack_ts = "1531420618";
constexpr std::string_view slack_body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&"
    "user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack."
    "com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr std::string_view slack_sig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

slack_verifier slack_at(std::int64_t now, std::string_view secret = slack_secret) {
  return slack_verifier(std::string(secret), [now] { return now; });
}

// integrations.md's Teams vector.
constexpr std::string_view teams_token = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
constexpr std::string_view teams_body = R"({"type":"message","text":"<at>Bot</at> hello"})";
constexpr std::string_view teams_auth = "HMAC NFJ/F4oE3MimwSbEE6PUFDgawiB3QuNNLzRi9lGzu6w=";

// integrations.md's Discord-shaped vector (RFC 8032 test 1 key).
constexpr std::string_view discord_pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr std::string_view discord_sig =
    "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0"
    "614e4dc13cd47f0f";

}  // namespace

TEST_CASE("slack_verifier accepts Slack's published vector at its own time", "[channels]") {
  CHECK(slack_at(1531420618).verify(slack_ts, slack_sig, slack_body) == verdict::ok);
  CHECK(slack_verifier::sign(slack_secret, slack_ts, slack_body) == slack_sig);
  // Inside the 5-minute window, both ways.
  CHECK(slack_at(1531420618 + 300).verify(slack_ts, slack_sig, slack_body) == verdict::ok);
  CHECK(slack_at(1531420618 - 300).verify(slack_ts, slack_sig, slack_body) == verdict::ok);
}

TEST_CASE("slack_verifier rejects stale, tampered, wrongly keyed and incomplete requests", "[channels]") {
  CHECK(slack_at(1531420618 + 301).verify(slack_ts, slack_sig, slack_body) == verdict::stale);
  CHECK(slack_at(1531420618 - 301).verify(slack_ts, slack_sig, slack_body) == verdict::stale);
  // The real clock: the published vector is years old.
  CHECK(slack_verifier(std::string(slack_secret)).verify(slack_ts, slack_sig, slack_body) == verdict::stale);

  std::string tampered(slack_body);
  tampered.replace(tampered.find("text="), 5, "text=x");
  CHECK(slack_at(1531420618).verify(slack_ts, slack_sig, tampered) == verdict::bad_signature);
  CHECK(slack_at(1531420618, "wrong-secret").verify(slack_ts, slack_sig, slack_body) == verdict::bad_signature);
  // The timestamp is part of the signed base string.
  CHECK(slack_at(1531420618).verify("1531420619", slack_sig, slack_body) == verdict::bad_signature);

  CHECK(slack_at(1531420618).verify("", slack_sig, slack_body) == verdict::missing);
  CHECK(slack_at(1531420618).verify(slack_ts, "", slack_body) == verdict::missing);
  CHECK(slack_at(1531420618).verify("15314x0618", slack_sig, slack_body) == verdict::malformed);
  CHECK(slack_at(1531420618).verify(slack_ts, slack_sig.substr(3), slack_body) == verdict::malformed);
  CHECK(slack_at(1531420618).verify(slack_ts, "v0=zz", slack_body) == verdict::malformed);
  CHECK(slack_at(1531420618).verify("-99999999999999999", slack_sig, slack_body) == verdict::stale);
}

TEST_CASE("teams_verifier accepts the integrations.md vector and rejects anything else", "[channels]") {
  const auto v = teams_verifier::from_base64_token(teams_token);
  REQUIRE(v.has_value());
  CHECK(v->verify(teams_auth, teams_body) == verdict::ok);
  CHECK(v->verify("hmac NFJ/F4oE3MimwSbEE6PUFDgawiB3QuNNLzRi9lGzu6w=", teams_body) == verdict::ok);  // scheme case
  CHECK(teams_verifier::sign(*from_base64(teams_token), teams_body) == teams_auth);

  CHECK(v->verify(teams_auth, R"({"type":"message","text":"<at>Bot</at> hellO"})") == verdict::bad_signature);
  const auto other = teams_verifier::from_base64_token("dGVzdHRlc3R0ZXN0dGVzdA==");
  REQUIRE(other.has_value());
  CHECK(other->verify(teams_auth, teams_body) == verdict::bad_signature);
  CHECK(v->verify("", teams_body) == verdict::missing);
  CHECK(v->verify("Bearer NFJ/F4oE3MimwSbEE6PUFDgawiB3QuNNLzRi9lGzu6w=", teams_body) == verdict::malformed);
  CHECK(v->verify("HMAC not-base64!", teams_body) == verdict::malformed);
  CHECK(v->verify("HMAC Zm9v", teams_body) == verdict::malformed);  // base64 but not 32 bytes
  CHECK_FALSE(teams_verifier::from_base64_token("not base64").has_value());
}

TEST_CASE("discord_verifier accepts the Discord-shaped vector and rejects tampering", "[channels]") {
  const auto v = discord_verifier::from_hex_key(discord_pk);
  REQUIRE(v.has_value());
  CHECK(v->verify(discord_sig, "1700000000", R"({"type":1})") == verdict::ok);
  // Discord's timestamps are not checked against the clock (the vector is old).
  CHECK(v->verify(discord_sig, "1700000001", R"({"type":1})") == verdict::bad_signature);
  CHECK(v->verify(discord_sig, "1700000000", R"({"type":2})") == verdict::bad_signature);
  std::string flipped(discord_sig);
  flipped[0] = flipped[0] == '1' ? '2' : '1';
  CHECK(v->verify(flipped, "1700000000", R"({"type":1})") == verdict::bad_signature);
  const auto other = discord_verifier::from_hex_key("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  REQUIRE(other.has_value());
  CHECK(other->verify(discord_sig, "1700000000", R"({"type":1})") == verdict::bad_signature);
  CHECK(v->verify("", "1700000000", R"({"type":1})") == verdict::missing);
  CHECK(v->verify(discord_sig, "", R"({"type":1})") == verdict::missing);
  CHECK(v->verify(discord_sig.substr(2), "1700000000", R"({"type":1})") == verdict::malformed);
  CHECK(v->verify(std::string(128, 'g'), "1700000000", R"({"type":1})") == verdict::malformed);
  CHECK_FALSE(discord_verifier::from_hex_key("abcd").has_value());
}

TEST_CASE("mattermost_verifier checks the token field and the Authorization header", "[channels]") {
  const mattermost_verifier v({"tok-one", "tok-two"});
  CHECK(v.verify("tok-one", "") == verdict::ok);
  CHECK(v.verify("tok-two", "") == verdict::ok);
  CHECK(v.verify("tok-two", "Token tok-two") == verdict::ok);
  CHECK(v.verify("", "Token tok-one") == verdict::ok);
  CHECK(v.verify("tok-thr", "") == verdict::bad_signature);
  CHECK(v.verify("tok-on", "") == verdict::bad_signature);
  CHECK(v.verify("", "") == verdict::missing);
  CHECK(v.verify("tok-one", "Token wrong") == verdict::bad_signature);
  CHECK(v.verify("tok-one", "Token tok-two") == verdict::bad_signature);  // field and header disagree
  CHECK(v.verify("tok-one", "Bearer tok-one") == verdict::malformed);
}
