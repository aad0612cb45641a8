#include "bot/client/client_options.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace advisor::client;
using namespace std::chrono_literals;

namespace {

std::optional<client_options> parse(std::vector<std::string> items, std::string& error) {
  std::vector<const char*> argv{"advisor-client"};
  for (const auto& a : items) argv.push_back(a.c_str());
  return parse_client_options(static_cast<int>(argv.size()), argv.data(), error);
}

client_options ok(std::vector<std::string> items) {
  std::string error;
  auto o = parse(std::move(items), error);
  INFO(error);
  REQUIRE(o.has_value());
  return *o;
}

std::string fails(std::vector<std::string> items) {
  std::string error;
  REQUIRE_FALSE(parse(std::move(items), error).has_value());
  REQUIRE_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("client options default to the local advisor", "[client]") {
  const auto o = ok({});
  CHECK(o.url == "ws://127.0.0.1:8080/ws");
  CHECK_FALSE(o.endpoint.tls);
  CHECK(o.endpoint.host == "127.0.0.1");
  CHECK(o.endpoint.port == "8080");
  CHECK(o.endpoint.target == "/ws");
  CHECK(o.script.empty());
  CHECK_FALSE(o.json);
  CHECK_FALSE(o.why);
  CHECK(o.session.empty());
  CHECK(o.timeout == 10s);
  CHECK_FALSE(o.insecure);
  CHECK_FALSE(o.no_color);
  CHECK_FALSE(o.help);
}

TEST_CASE("client options accept every flag", "[client]") {
  const auto o = ok({"--script", "lines.txt", "--json", "--why", "--session", "abc", "--timeout", "2.5", "--insecure",
                     "--no-color", "wss://advisor.example.com/chat"});
  CHECK(o.script == "lines.txt");
  CHECK(o.json);
  CHECK(o.why);
  CHECK(o.session == "abc");
  CHECK(o.timeout == 2500ms);
  CHECK(o.insecure);
  CHECK(o.no_color);
  CHECK(o.url == "wss://advisor.example.com/chat");
  CHECK(o.endpoint.tls);
  CHECK(o.endpoint.port == "443");
  CHECK(o.endpoint.target == "/chat?session=abc");
}

TEST_CASE("client options accept --name=value, -h and --", "[client]") {
  CHECK(ok({"--timeout=3"}).timeout == 3s);
  CHECK(ok({"--script=-"}).script == "-");
  CHECK(ok({"-h"}).help);
  CHECK(ok({"--help"}).help);
  CHECK(ok({"--", "ws://h:1/x"}).endpoint.target == "/x");
}

TEST_CASE("client options reject bad flags", "[client]") {
  CHECK(fails({"--bogus"}) == "unknown option '--bogus'");
  CHECK(fails({"-x"}) == "unknown option '-x'");
  CHECK(fails({"--timeout"}) == "option '--timeout' needs a value");
  CHECK(fails({"--script"}) == "option '--script' needs a value");
  CHECK(fails({"--json=yes"}) == "option '--json' takes no value");
  CHECK(fails({"--timeout", "abc"}).find("expected a number of seconds") != std::string::npos);
  CHECK(fails({"--timeout", "0"}).find("greater than 0") != std::string::npos);
  CHECK(fails({"--timeout", "-1"}).find("'--timeout' value '-1'") != std::string::npos);
  CHECK(fails({"--timeout", "1e9"}).find("'--timeout'") != std::string::npos);
  CHECK(fails({"--session="}).find("expected a session id") != std::string::npos);
  CHECK(fails({"ws://a/ws", "ws://b/ws"}).find("unexpected argument 'ws://b/ws'") != std::string::npos);
}

TEST_CASE("client options reject URLs that are not ws:// or wss://", "[client]") {
  CHECK(fails({"http://127.0.0.1:8080/ws"}) ==
        "unsupported URL 'http://127.0.0.1:8080/ws': the scheme must be ws:// or wss://");
  CHECK(fails({"127.0.0.1:8080"}).find("'127.0.0.1:8080'") != std::string::npos);
  CHECK(fails({"ws://"}).find("no host") != std::string::npos);
  CHECK(fails({"ws://h:0/ws"}).find("port") != std::string::npos);
  CHECK(fails({"ws://h:70000/ws"}).find("port") != std::string::npos);
  CHECK(fails({"ws://h/ws#frag"}).find("fragment") != std::string::npos);
  CHECK(fails({"not a url"}).find("invalid URL") != std::string::npos);
}

TEST_CASE("client usage documents flags and exit codes", "[client]") {
  const std::string help = client_usage();
  for (const char* needle : {"--script FILE", "--json", "--why", "/why", "Why this answer:", "Fit: ",
                             "--session ID", "--timeout SECONDS", "--insecure",
                             "--no-color", "/reset", "/quit", "/json", "/help", "NO_COLOR", "Exit status:",
                             "  0 ", "  1 ", "  2 ", "  3 ", "  4 ", "  5 ", "130"}) {
    INFO(needle);
    CHECK(help.find(needle) != std::string::npos);
  }
}
