#include "bot/server/server_options.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using namespace advisor::server;
using namespace std::chrono_literals;

namespace {

struct args {
  std::vector<std::string> items;
  std::map<std::string, std::string> env = {};

  std::optional<server_options> parse(std::string& error) const {
    std::vector<const char*> argv{"advisor"};
    for (const auto& a : items) argv.push_back(a.c_str());
    const env_lookup lookup = [this](const char* name) -> const char* {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    };
    return parse_options(static_cast<int>(argv.size()), argv.data(), lookup, error);
  }

  server_options ok() const {
    std::string error;
    auto o = parse(error);
    INFO(error);
    REQUIRE(o.has_value());
    return *o;
  }

  std::string fails() const {
    std::string error;
    REQUIRE_FALSE(parse(error).has_value());
    REQUIRE_FALSE(error.empty());
    return error;
  }
};

}  // namespace

TEST_CASE("options have production defaults", "[server]") {
  const auto o = args{}.ok();
  CHECK(o.port == 8080);
  CHECK(o.bind == "0.0.0.0");
  CHECK(o.threads >= 1);
  CHECK(o.max_message_bytes == 16384);
  CHECK(o.max_text_chars == 1000);
  CHECK(o.max_body_bytes == 65536);
  CHECK(o.msg_burst >= 20);
  CHECK(o.msg_rate >= 10);
  CHECK(o.session_idle == 30min);
  CHECK(o.max_sessions == 100000);
  CHECK(o.level == log_level::info);
  CHECK_FALSE(o.log_text);
  CHECK_FALSE(o.permessage_deflate);
  CHECK(o.allowed_origins.empty());
  CHECK(o.rules_dir.filename() == "rules");
  CHECK(o.knowledge_dir.filename() == "knowledge");
  CHECK_FALSE(o.check);
}

TEST_CASE("flags take --name value and --name=value", "[server]") {
  const auto o = args{
      {"--port",
       "0",
       "--bind=127.0.0.1",
       "--threads",
       "3",
       "--rules",
       "/r",
       "--knowledge=/k",
       "--max-message-bytes",
       "32KiB",
       "--max-body-bytes=1MiB",
       "--max-text-chars",
       "10",
       "--idle-timeout",
       "250ms",
       "--session-idle",
       "2h",
       "--shutdown-timeout",
       "1.5s",
       "--http-timeout",
       "7",
       "--log-level",
       "debug",
       "--log-text",
       "--allowed-origins",
       "https://a.example, https://b.example/",
       "--msg-rate",
       "2.5",
       "--check"}}.ok();
  CHECK(o.port == 0);
  CHECK(o.bind == "127.0.0.1");
  CHECK(o.threads == 3);
  CHECK(o.rules_dir == "/r");
  CHECK(o.knowledge_dir == "/k");
  CHECK(o.max_message_bytes == 32768);
  CHECK(o.max_body_bytes == 1048576);
  CHECK(o.max_text_chars == 10);
  CHECK(o.idle_timeout == 250ms);
  CHECK(o.session_idle == 2h);
  CHECK(o.shutdown_timeout == 1500ms);
  CHECK(o.http_timeout == 7s);
  CHECK(o.level == log_level::debug);
  CHECK(o.log_text);
  CHECK(o.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(o.msg_rate == 2.5);
  CHECK(o.check);
}

TEST_CASE("ADVISOR_* environment variables set options and flags win", "[server]") {
  args a;
  a.env = {{"ADVISOR_PORT", "9000"},
           {"ADVISOR_RULES", "/env/rules"},
           {"ADVISOR_LOG_TEXT", "true"},
           {"ADVISOR_MAX_SESSIONS", "7"},
           {"ADVISOR_SESSION_IDLE", "10m"}};
  auto o = a.ok();
  CHECK(o.port == 9000);
  CHECK(o.rules_dir == "/env/rules");
  CHECK(o.log_text);
  CHECK(o.max_sessions == 7);
  CHECK(o.session_idle == 10min);
  a.items = {"--port", "9001", "--log-text=false"};
  o = a.ok();
  CHECK(o.port == 9001);
  CHECK_FALSE(o.log_text);
  CHECK(o.rules_dir == "/env/rules");
}

TEST_CASE("bad flags and values are reported", "[server]") {
  CHECK(args{{"--nope"}}.fails().find("--nope") != std::string::npos);
  CHECK(args{{"positional"}}.fails().find("positional") != std::string::npos);
  CHECK(args{{"--port"}}.fails().find("needs a value") != std::string::npos);
  args{{"--port", "65536"}}.fails();
  args{{"--port", "-1"}}.fails();
  args{{"--port", "80x"}}.fails();
  args{{"--threads", "many"}}.fails();
  args{{"--max-message-bytes", "16 KiB"}}.fails();
  args{{"--max-message-bytes", "12"}}.fails();  // below the minimum
  args{{"--idle-timeout", "soon"}}.fails();
  args{{"--idle-timeout", "5d"}}.fails();
  args{{"--log-level", "verbose"}}.fails();
  args{{"--log-text=maybe"}}.fails();
  args{{"--max-connections", "0"}}.fails();
  args{{"--msg-burst", "0"}}.fails();
  args a;
  a.env = {{"ADVISOR_PORT", "http"}};
  CHECK(a.fails().find("ADVISOR_PORT") != std::string::npos);
}

TEST_CASE("--help documents every flag with its default and variable", "[server]") {
  const auto help = options_help();
  for (const char* s : {"--port PORT",
                        "[default: 8080; env ADVISOR_PORT]",
                        "--bind",
                        "--threads",
                        "--rules DIR",
                        "--knowledge DIR",
                        "--max-message-bytes",
                        "[default: 16KiB",
                        "--max-text-chars",
                        "--max-body-bytes",
                        "[default: 64KiB",
                        "--max-header-bytes",
                        "--max-connections",
                        "--msg-rate",
                        "--msg-burst",
                        "--abuse-factor",
                        "--abuse-window",
                        "--max-queue",
                        "--handshake-timeout",
                        "--idle-timeout",
                        "--http-timeout",
                        "--shutdown-timeout",
                        "--session-idle",
                        "[default: 30m",
                        "--max-sessions",
                        "--allowed-origins",
                        "--permessage-deflate",
                        "--log-level",
                        "--log-text",
                        "--check",
                        "--help"}) {
    INFO(s);
    CHECK(help.find(s) != std::string::npos);
  }
}
