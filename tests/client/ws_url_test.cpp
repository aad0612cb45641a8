#include "bot/client/ws_url.hpp"

#include <catch2/catch.hpp>

using namespace advisor::client;

namespace {

ws_url ok(std::string_view text, std::string_view session = {}) {
  std::string error;
  auto u = parse_ws_url(text, session, error);
  INFO(error);
  REQUIRE(u.has_value());
  return *u;
}

}  // namespace

TEST_CASE("ws_url splits a ws:// URL", "[client]") {
  const auto u = ok("ws://127.0.0.1:8080/ws");
  CHECK_FALSE(u.tls);
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == "8080");
  CHECK(u.host_header == "127.0.0.1:8080");
  CHECK(u.target == "/ws");
  CHECK(u.text == "ws://127.0.0.1:8080/ws");
}

TEST_CASE("ws_url defaults ports by scheme and the path to /ws", "[client]") {
  CHECK(ok("ws://example.com").port == "80");
  CHECK(ok("wss://example.com").port == "443");
  CHECK(ok("WSS://example.com").tls);
  CHECK(ok("ws://example.com").target == "/ws");
  CHECK(ok("ws://example.com").text == "ws://example.com/ws");
  CHECK(ok("ws://example.com/").target == "/");
}

TEST_CASE("ws_url handles IPv6 literals", "[client]") {
  const auto u = ok("ws://[::1]:9000/ws");
  CHECK(u.host == "::1");
  CHECK(u.host_header == "[::1]:9000");
}

TEST_CASE("ws_url appends and replaces the session parameter", "[client]") {
  CHECK(ok("ws://h/ws", "abc").target == "/ws?session=abc");
  CHECK(ok("ws://h/ws?lang=en", "abc").target == "/ws?lang=en&session=abc");
  CHECK(ok("ws://h/ws?session=old", "new").target == "/ws?session=new");
  CHECK(ok("ws://h/ws", "a b&c").target == "/ws?session=a%20b%26c");
  CHECK(ok("ws://h/ws", "abc").text == "ws://h/ws?session=abc");
}
