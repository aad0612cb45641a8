#pragma once
// channel_options holds the team-chat channels' settings (integrations.md).
// A channel is enabled only when its secret is set. Secrets come from the
// environment or the secrets file, never from flags (they would show in ps),
// and are never logged. The server's option parser fills them
// (server_options::channels).
//
// Thread safety: a plain value.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace advisor::channels {

struct channel_options {
  std::string slack_signing_secret;                     // secret: enables /hooks/slack
  std::string slack_bot_token;                          // secret: posts Events API answers with chat.postMessage
  std::string slack_api_url = "https://slack.com/api";  // Slack Web API base URL (http:// for local stand-ins)
  // Longest wait for one chat.postMessage call (connect, TLS, request and
  // answer together); past it the post is abandoned, logged and counted.
  std::chrono::milliseconds slack_api_timeout{10000};
  std::vector<std::string> mattermost_tokens;  // secret: accepted tokens; enables /hooks/mattermost
  // secret: (?id= value, base64 token) pairs; enables /hooks/teams
  std::vector<std::pair<std::string, std::string>> teams_secrets;
  std::string discord_public_key;  // application public key, 64 hex digits; enables /hooks/discord
};

}  // namespace advisor::channels
