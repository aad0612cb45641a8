#include "bot/channels/channels.hpp"

#include <map>
#include <memory>

#include "bot/channels/discord_channel.hpp"
#include "bot/channels/mattermost_channel.hpp"
#include "bot/channels/slack_channel.hpp"
#include "bot/channels/teams_channel.hpp"

namespace advisor::channels {
namespace {

void add_route(server::router& routes, const std::shared_ptr<channel>& ch, http::verb method) {
  routes.add(method, "/hooks/" + std::string(ch->name()), [ch](const route_request& r) { return ch->handle(r); });
}

}  // namespace

status add_channel_routes(const channel_env& env, const channel_options& o, std::vector<std::string>& enabled) {
  auto& rejected = env.registry.add_counter_family("advisor_channel_rejected_total",
                                                   "Team-chat webhook requests refused, by channel and reason.",
                                                   {"channel", "reason"});
  const channel_services services{env.chat, env.log, rejected};

  if (!o.slack_signing_secret.empty()) {
    std::unique_ptr<slack_api_client> api;
    if (!o.slack_bot_token.empty()) {
      auto& posts = env.registry.add_counter_family("advisor_slack_posts_total",
                                                    "Slack chat.postMessage calls, by result.", {"result"});
      api = std::make_unique<slack_api_client>(o.slack_api_url, o.slack_bot_token, o.slack_api_timeout, env.log, posts);
    }
    auto ch = std::make_shared<slack_channel>(services, slack_verifier(o.slack_signing_secret), std::move(api));
    add_route(env.routes, ch, http::verb::post);
    enabled.emplace_back("slack");
  }
  if (!o.mattermost_tokens.empty()) {
    auto ch = std::make_shared<mattermost_channel>(services, mattermost_verifier(o.mattermost_tokens));
    add_route(env.routes, ch, http::verb::post);
    add_route(env.routes, ch, http::verb::get);  // slash commands may be configured as GET
    enabled.emplace_back("mattermost");
  }
  if (!o.teams_secrets.empty()) {
    std::map<std::string, teams_verifier, std::less<>> verifiers;
    for (const auto& [id, token] : o.teams_secrets) {
      auto v = teams_verifier::from_base64_token(token);
      if (!v)
        return status::invalid_argument("ADVISOR_TEAMS_SECRETS: the token for id '" + id + "' is not a usable key");
      verifiers.insert_or_assign(id, std::move(*v));
    }
    auto ch = std::make_shared<teams_channel>(services, std::move(verifiers));
    add_route(env.routes, ch, http::verb::post);
    enabled.emplace_back("teams");
  }
  if (!o.discord_public_key.empty()) {
    auto v = discord_verifier::from_hex_key(o.discord_public_key);
    if (!v) return status::invalid_argument("ADVISOR_DISCORD_PUBLIC_KEY: not a usable Ed25519 public key");
    auto ch = std::make_shared<discord_channel>(services, std::move(*v));
    add_route(env.routes, ch, http::verb::post);
    enabled.emplace_back("discord");
  }
  return status();
}

}  // namespace advisor::channels
