#include "bot/protocol/client_frame.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace advisor::protocol;

namespace {

const text_limits limits{};

client_frame frame_of(const std::string& json) {
  auto r = parse_client_frame(json, limits);
  INFO(json);
  REQUIRE(std::holds_alternative<client_frame>(r));
  return std::get<client_frame>(r);
}

frame_error error_of(const std::string& json, const text_limits& l = limits) {
  auto r = parse_client_frame(json, l);
  INFO(json);
  REQUIRE(std::holds_alternative<frame_error>(r));
  return std::get<frame_error>(r);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("parse_client_frame reads message, ping and reset", "[protocol]") {
  auto f = frame_of(R"({"type":"message","id":"c1","text":"  What does a TPM do?  "})");
  CHECK(f.type == frame_type::message);
  CHECK(f.id == std::optional<std::string>("c1"));
  CHECK(f.text == "What does a TPM do?");

  f = frame_of(R"({"type":"ping","id":"p"})");
  CHECK(f.type == frame_type::ping);
  CHECK(f.id == std::optional<std::string>("p"));

  f = frame_of(R"({"type":"reset"})");
  CHECK(f.type == frame_type::reset);
  CHECK_FALSE(f.id.has_value());

  // Fields of other types are ignored; ping needs no text.
  f = frame_of(R"({"text":5,"type":"ping","extra":[1,{"a":null}]})");
  CHECK(f.type == frame_type::ping);
}

TEST_CASE("only a string id is echoed", "[protocol]") {
  CHECK_FALSE(frame_of(R"({"type":"ping","id":1})").id.has_value());
  CHECK_FALSE(frame_of(R"({"type":"ping","id":null})").id.has_value());
  CHECK_FALSE(frame_of(R"({"type":"ping","id":{"x":"y"}})").id.has_value());
  CHECK(frame_of(R"({"type":"ping","id":""})").id == std::optional<std::string>(""));
  CHECK(error_of(R"({"type":"bogus","id":"e1"})").reply_to == std::optional<std::string>("e1"));
  CHECK_FALSE(error_of(R"({"type":"bogus","id":3})").reply_to.has_value());
}

TEST_CASE("anything but a JSON object is bad_json with reply_to null", "[protocol]") {
  for (const char* s : {"", "not json", "{", R"({"type":"message")", "[]", R"(["type"])", "1", "\"x\"", "null", "true",
                        R"({"a":1} trailing)"}) {
    INFO(s);
    const auto e = error_of(s);
    CHECK(e.code == wire_error::bad_json);
    CHECK_FALSE(e.reply_to.has_value());
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("a frame without a string type is bad_request", "[protocol]") {
  for (const char* s : {R"({})", R"({"id":"x"})", R"({"type":null,"id":"x"})", R"({"type":1,"id":"x"})",
                        R"({"type":["message"],"id":"x"})"}) {
    INFO(s);
    const auto e = error_of(s);
    CHECK(e.code == wire_error::bad_request);
  }
  CHECK(error_of(R"({"type":null,"id":"x"})").reply_to == std::optional<std::string>("x"));
}

TEST_CASE("an unknown type is unknown_type (names are case-sensitive)", "[protocol]") {
  for (const char* s : {R"({"type":"dance"})", R"({"type":"Message","text":"hi"})", R"({"type":""})",
                        R"({"type":"pong"})", R"({"type":"reply"})"}) {
    INFO(s);
    CHECK(error_of(s).code == wire_error::unknown_type);
  }
}

TEST_CASE("message text must be a non-empty string after trimming", "[protocol]") {
  for (const char* s :
       {R"({"type":"message"})", R"({"type":"message","text":null})", R"({"type":"message","text":1})",
        R"({"type":"message","text":["hi"]})", R"({"type":"message","text":""})",
        R"({"type":"message","text":" \t\n\r "})", R"({"type":"message","text":"\u00a0\u3000\u2029"})"}) {
    INFO(s);
    const auto e = error_of(s);
    CHECK(e.code == wire_error::bad_request);
    CHECK(e.message.find("text") != std::string::npos);
  }
}

TEST_CASE("text length is code points after trimming, maximum inclusive", "[protocol]") {
  const auto msg = [](const std::string& text) { return R"({"type":"message","id":"L","text":")" + text + "\"}"; };
  CHECK(frame_of(msg(std::string(1000, 'a'))).text.size() == 1000);
  CHECK(frame_of(msg("   " + std::string(1000, 'a') + "\\u3000\\n")).text == std::string(1000, 'a'));
  CHECK(frame_of(msg(repeat("\xC3\xA9", 1000))).text.size() == 2000);
  CHECK(frame_of(msg(repeat("\\ud83d\\ude00", 1000))).text.size() == 4000);  // escaped surrogate pairs

  auto e = error_of(msg(std::string(1001, 'a')));
  CHECK(e.code == wire_error::too_long);
  CHECK(e.reply_to == std::optional<std::string>("L"));
  CHECK(error_of(msg(repeat("\xF0\x9F\x98\x80", 1001))).code == wire_error::too_long);

  const text_limits small{5};
  CHECK(std::get<client_frame>(parse_client_frame(msg(" abcde "), small)).text == "abcde");
  CHECK(error_of(msg("abcdef"), small).code == wire_error::too_long);
}

TEST_CASE("parse_chat_request applies the same rules to the HTTP body", "[protocol]") {
  auto r = parse_chat_request(R"({"text":" TPM vs PM? ","session":"abc","id":"h"})", limits);
  REQUIRE(std::holds_alternative<chat_request>(r));
  auto& c = std::get<chat_request>(r);
  CHECK(c.text == "TPM vs PM?");
  CHECK(c.session == std::optional<std::string>("abc"));
  CHECK(c.id == std::optional<std::string>("h"));

  r = parse_chat_request(R"({"text":"hi","session":null})", limits);
  REQUIRE(std::holds_alternative<chat_request>(r));
  CHECK_FALSE(std::get<chat_request>(r).session.has_value());

  const auto code = [](const std::string& body) {
    auto res = parse_chat_request(body, limits);
    REQUIRE(std::holds_alternative<frame_error>(res));
    return std::get<frame_error>(res).code;
  };
  CHECK(code("nope") == wire_error::bad_json);
  CHECK(code("[]") == wire_error::bad_json);
  CHECK(code(R"({})") == wire_error::bad_request);
  CHECK(code(R"({"text":""})") == wire_error::bad_request);
  CHECK(code(R"({"text":2})") == wire_error::bad_request);
  CHECK(code(R"({"text":"hi","session":7})") == wire_error::bad_request);
  CHECK(code("{\"text\":\"" + std::string(1001, 'x') + "\"}") == wire_error::too_long);
}

TEST_CASE("explain on a message is a boolean flag (protocol 1.1)", "[protocol]") {
  CHECK_FALSE(frame_of(R"({"type":"message","text":"TPM vs PM?"})").explain);
  CHECK(frame_of(R"({"type":"message","text":"TPM vs PM?","explain":true})").explain);
  CHECK_FALSE(frame_of(R"({"type":"message","text":"TPM vs PM?","explain":false})").explain);
  for (const char* bad : {R"("yes")", "1", "null", "[true]", "{}"}) {
    const auto e = error_of(std::string(R"({"type":"message","id":"x1","text":"hi","explain":)") + bad + "}");
    CHECK(e.code == wire_error::bad_request);
    CHECK(e.message == "field 'explain' must be a boolean");
    CHECK(e.reply_to == std::optional<std::string>("x1"));
  }
  // The text is checked first; explain is only read on a message.
  CHECK(error_of(R"({"type":"message","text":"","explain":"no"})").message ==
        "field 'text' must be a non-empty string");
  CHECK(frame_of(R"({"type":"ping","explain":"no"})").type == frame_type::ping);
  CHECK_FALSE(frame_of(R"({"type":"ping","explain":true})").explain);
}

TEST_CASE("parse_chat_request reads explain like a message", "[protocol]") {
  auto r = parse_chat_request(R"({"text":"why a TPM?","explain":true})", limits);
  REQUIRE(std::holds_alternative<chat_request>(r));
  CHECK(std::get<chat_request>(r).explain);
  r = parse_chat_request(R"({"text":"why a TPM?"})", limits);
  REQUIRE(std::holds_alternative<chat_request>(r));
  CHECK_FALSE(std::get<chat_request>(r).explain);
  r = parse_chat_request(R"({"text":"why a TPM?","id":"h2","explain":"true"})", limits);
  REQUIRE(std::holds_alternative<frame_error>(r));
  CHECK(std::get<frame_error>(r).code == wire_error::bad_request);
  CHECK(std::get<frame_error>(r).reply_to == std::optional<std::string>("h2"));
}

TEST_CASE("wire_error names are the protocol's codes", "[protocol]") {
  CHECK(to_string(wire_error::bad_json) == "bad_json");
  CHECK(to_string(wire_error::bad_request) == "bad_request");
  CHECK(to_string(wire_error::too_long) == "too_long");
  CHECK(to_string(wire_error::unknown_type) == "unknown_type");
  CHECK(to_string(wire_error::rate_limited) == "rate_limited");
}
