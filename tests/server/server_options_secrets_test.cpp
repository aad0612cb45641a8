// Channel secrets in server_options: environment and secrets file only,
// never flags, never echoed in error messages.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bot/server/server_options.hpp"

using namespace advisor::server;

namespace {

std::optional<server_options> parse(const std::vector<std::string>& items,
                                    const std::map<std::string, std::string>& env, std::string& error) {
  std::vector<const char*> argv{"advisor"};
  for (const auto& a : items) argv.push_back(a.c_str());
  const env_lookup lookup = [&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  return parse_options(static_cast<int>(argv.size()), argv.data(), lookup, error);
}

// A temporary file removed at scope exit.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/advisor-secrets-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << content;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("channel secrets come from ADVISOR_* environment variables", "[server][channels]") {
  std::string error;
  const auto o = parse({},
                       {{"ADVISOR_SLACK_SIGNING_SECRET", "s3cret"},
                        {"ADVISOR_SLACK_BOT_TOKEN", "xoxb-1"},
                        {"ADVISOR_SLACK_API_URL", "http://127.0.0.1:9/api/"},
                        {"ADVISOR_SLACK_API_TIMEOUT", "2500ms"},
                        {"ADVISOR_MATTERMOST_TOKEN", "a, b"},
                        {"ADVISOR_TEAMS_SECRETS", "=Zm9v,hr=YmFyYg=="},
                        {"ADVISOR_DISCORD_PUBLIC_KEY", std::string(64, 'a')}},
                       error);
  INFO(error);
  REQUIRE(o.has_value());
  CHECK(o->channels.slack_signing_secret == "s3cret");
  CHECK(o->channels.slack_bot_token == "xoxb-1");
  CHECK(o->channels.slack_api_url == "http://127.0.0.1:9/api");
  CHECK(o->channels.slack_api_timeout == std::chrono::milliseconds(2500));
  CHECK(o->channels.mattermost_tokens == std::vector<std::string>{"a", "b"});
  REQUIRE(o->channels.teams_secrets.size() == 2);
  CHECK(o->channels.teams_secrets[0] == std::pair<std::string, std::string>{"", "Zm9v"});
  CHECK(o->channels.teams_secrets[1] == std::pair<std::string, std::string>{"hr", "YmFyYg=="});
  CHECK(o->channels.discord_public_key == std::string(64, 'a'));

  const auto defaults = parse({}, {}, error);
  REQUIRE(defaults.has_value());
  CHECK(defaults->channels.slack_signing_secret.empty());
  CHECK(defaults->channels.slack_api_url == "https://slack.com/api");
  CHECK(defaults->channels.mattermost_tokens.empty());
}

TEST_CASE("secrets are refused on the command line and never echoed", "[server][channels]") {
  std::string error;
  CHECK_FALSE(parse({"--slack-signing-secret", "hunter2"}, {}, error).has_value());
  CHECK(error.find("ADVISOR_SLACK_SIGNING_SECRET") != std::string::npos);
  CHECK(error.find("hunter2") == std::string::npos);

  error.clear();
  CHECK_FALSE(parse({}, {{"ADVISOR_TEAMS_SECRETS", "x=not*base64"}}, error).has_value());
  CHECK(error.find("not*base64") == std::string::npos);
  CHECK_FALSE(parse({}, {{"ADVISOR_DISCORD_PUBLIC_KEY", "abc"}}, error).has_value());
  CHECK_FALSE(parse({}, {{"ADVISOR_SLACK_API_URL", "ftp://x"}}, error).has_value());
}

TEST_CASE("a secrets file sets channel secrets, the environment and flags override it", "[server][channels]") {
  const temp_file f(
      "# channel secrets\n"
      "ADVISOR_SLACK_SIGNING_SECRET=from-file\n"
      "export ADVISOR_MATTERMOST_TOKEN=\"tok\"\n"
      "\n"
      "ADVISOR_SLACK_API_URL=http://127.0.0.1:1/api\n");
  std::string error;
  auto o = parse({"--secrets-file", f.path}, {}, error);
  INFO(error);
  REQUIRE(o.has_value());
  CHECK(o->channels.slack_signing_secret == "from-file");
  CHECK(o->channels.mattermost_tokens == std::vector<std::string>{"tok"});

  o = parse({"--slack-api-url=http://127.0.0.1:2/api"},
            {{"ADVISOR_SECRETS_FILE", f.path}, {"ADVISOR_SLACK_SIGNING_SECRET", "from-env"}}, error);
  REQUIRE(o.has_value());
  CHECK(o->channels.slack_signing_secret == "from-env");
  CHECK(o->channels.slack_api_url == "http://127.0.0.1:2/api");

  const temp_file bad("ADVISOR_NO_SUCH_THING=1\n");
  CHECK_FALSE(parse({"--secrets-file", bad.path}, {}, error).has_value());
  CHECK(error.find("line 1") != std::string::npos);
  CHECK_FALSE(parse({"--secrets-file", "/nonexistent/secrets"}, {}, error).has_value());
}

TEST_CASE("--help names the channel variables without showing values", "[server][channels]") {
  const auto help = options_help();
  for (const char* var :
       {"ADVISOR_SLACK_SIGNING_SECRET", "ADVISOR_SLACK_BOT_TOKEN", "ADVISOR_SLACK_API_URL", "ADVISOR_MATTERMOST_TOKEN",
        "ADVISOR_TEAMS_SECRETS", "ADVISOR_DISCORD_PUBLIC_KEY", "ADVISOR_SECRETS_FILE"}) {
    INFO(var);
    CHECK(help.find(var) != std::string::npos);
  }
  CHECK(help.find("/hooks/slack") != std::string::npos);
}
