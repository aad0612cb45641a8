#include "bot/server/server_options.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
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

TEST_CASE("every default --help documents is pinned, and is the parsed default", "[server]") {
  // The documented defaults (README, deploy files and operators rely on
  // them). A new option with a default must be added here.
  const std::map<std::string, std::string> documented = {
      {"port", "8080"},
      {"bind", "0.0.0.0"},
      {"threads", "number of cores"},
      {"rules", std::string(ADVISOR_SOURCE_DIR) + "/rules"},
      {"knowledge", std::string(ADVISOR_SOURCE_DIR) + "/knowledge"},
      {"conversations", std::string(ADVISOR_SOURCE_DIR) + "/rules/checks"},
      {"re2-max-mem", "32MiB"},
      {"text-cache", "1024"},
      {"max-message-bytes", "16KiB"},
      {"max-text-chars", "1000"},
      {"max-queue", "64"},
      {"msg-rate", "15"},
      {"msg-burst", "30"},
      {"abuse-factor", "10"},
      {"abuse-window", "10s"},
      {"permessage-deflate", "off"},
      {"allowed-origins", "all"},
      {"max-body-bytes", "64KiB"},
      {"max-header-bytes", "8KiB"},
      {"max-connections", "20000"},
      {"handshake-timeout", "10s"},
      {"idle-timeout", "1m"},
      {"http-timeout", "30s"},
      {"shutdown-timeout", "5s"},
      {"session-idle", "30m"},
      {"max-sessions", "100000"},
      {"sessions", "memory"},
      {"log-level", "info"},
      {"log-text", "off"},
      {"secrets-file", "none"},
      {"slack-api-url", "https://slack.com/api"},
      {"slack-api-timeout", "10s"},
      {"discord-public-key", "unset"},
  };
  // Every "--name ... [default: X" in the help text.
  const std::string help = options_help();
  std::map<std::string, std::string> shown;
  const std::regex line_re(R"(\n  --([a-z0-9-]+)[^\n]*?\[default: ([^;\]]*)[;\]])");
  for (std::sregex_iterator it(help.begin(), help.end(), line_re), end; it != end; ++it)
    shown[(*it)[1].str()] = (*it)[2].str();
  // Long heads wrap: "--name ARG\n<padding>help [default: ...]".
  const std::regex wrapped_re(R"(\n  --([a-z0-9-]+)[^\n]*\n {34}[^\n]*?\[default: ([^;\]]*)[;\]])");
  for (std::sregex_iterator it(help.begin(), help.end(), wrapped_re), end; it != end; ++it)
    shown.try_emplace((*it)[1].str(), (*it)[2].str());
  INFO(help);
  CHECK(shown == documented);

  // The values the parser gives with no flag and no environment.
  const auto o = args{}.ok();
  CHECK(o.port == 8080);
  CHECK(o.bind == "0.0.0.0");
  CHECK(o.threads == std::max(1u, std::thread::hardware_concurrency()));
  CHECK(o.rules_dir == std::filesystem::path(documented.at("rules")));
  CHECK(o.knowledge_dir == std::filesystem::path(documented.at("knowledge")));
  CHECK(o.conversations_dir == std::filesystem::path(documented.at("conversations")));
  CHECK(o.re2_max_mem == 32u * 1024 * 1024);
  CHECK(o.text_cache == 1024);
  CHECK(o.max_message_bytes == 16 * 1024);
  CHECK(o.max_text_chars == 1000);
  CHECK(o.max_queue == 64);
  CHECK(o.msg_rate == 15);
  CHECK(o.msg_burst == 30);
  CHECK(o.abuse_factor == 10);
  CHECK(o.abuse_window == 10s);
  CHECK_FALSE(o.permessage_deflate);
  CHECK(o.allowed_origins.empty());
  CHECK(o.max_body_bytes == 64 * 1024);
  CHECK(o.max_header_bytes == 8 * 1024);
  CHECK(o.max_connections == 20000);
  CHECK(o.handshake_timeout == 10s);
  CHECK(o.idle_timeout == 60s);
  CHECK(o.http_timeout == 30s);
  CHECK(o.shutdown_timeout == 5s);
  CHECK(o.session_idle == 30min);
  CHECK(o.max_sessions == 100000);
  CHECK(o.sessions == "memory");
  CHECK(o.level == log_level::info);
  CHECK_FALSE(o.log_text);
  CHECK(o.secrets_file.empty());
  CHECK(o.channels.slack_api_url == "https://slack.com/api");
  CHECK(o.channels.slack_api_timeout == 10s);
  CHECK(o.channels.discord_public_key.empty());
  CHECK(o.admin_token.empty());
  CHECK(o.channels.mattermost_tokens.empty());
  CHECK(o.channels.teams_secrets.empty());
  CHECK(o.channels.slack_signing_secret.empty());
  CHECK(o.channels.slack_bot_token.empty());

  // Giving each shown value explicitly changes nothing that is checkable.
  for (const auto& [name, value] : documented) {
    if (value == "number of cores" || value == "all" || value == "none" || value == "unset" || value == "off") continue;
    INFO(name << "=" << value);
    std::string error;
    REQUIRE(args{{"--" + name + "=" + value}}.parse(error).has_value());
  }
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
  args{{"--re2-max-mem", "64KiB"}}.fails();  // below 1MiB
  args{{"--re2-max-mem", "2GiB"}}.fails();   // above 1GiB
  CHECK(args{{"--re2-max-mem", "8MiB"}}.ok().re2_max_mem == 8u * 1024 * 1024);
  CHECK(args{{"--text-cache", "0"}}.ok().text_cache == 0);  // off
  CHECK(args{{"--text-cache", "4096"}}.ok().text_cache == 4096);
  args{{"--text-cache", "2000000"}}.fails();  // above 1,048,576
  args{{"--text-cache", "-1"}}.fails();
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
                        "--re2-max-mem",
                        "--text-cache",
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
