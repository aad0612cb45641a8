#include "bot/channels/channels.hpp"

#include <map>
#include <memory>

#include "bot/channels/discord_channel.hpp"
#include "bot/channels/mattermost_channel.hpp"
#include "bot/channels/slack_channel.hpp"
#include "bot/channels/teams_channel.hpp"

namespace advisor::channels {
namespace {

void add_route(server::server_context& ctx, const std::shared_ptr<channel>& ch, http::verb method) {
  ctx.routes.add(method, "/hooks/" + std::string(ch->name()), [ch](const route_request& r) { return ch->handle(r); });
}

}  // namespace

std::vector<std::string> add_channel_routes(server::server_context& ctx) {
  const auto& o = ctx.options;
  auto& rejected = ctx.registry.add_counter_family("advisor_channel_rejected_total",
                                                   "Team-chat webhook requests refused, by channel and reason.",
                                                   {"channel", "reason"});
  std::vector<std::string> enabled;

  if (!o.slack_signing_secret.empty()) {
    std::unique_ptr<slack_api_client> api;
    if (!o.slack_bot_token.empty()) {
      auto& posts = ctx.registry.add_counter_family("advisor_slack_posts_total",
                                                    "Slack chat.postMessage calls, by result.", {"result"});
      api = std::make_unique<slack_api_client>(o.slack_api_url, o.slack_bot_token, ctx.log, posts);
    }
    auto ch = std::make_shared<slack_channel>(ctx, rejected, slack_verifier(o.slack_signing_secret), std::move(api));
    add_route(ctx, ch, http::verb::post);
    enabled.emplace_back("slack");
  }
  if (!o.mattermost_tokens.empty()) {
    auto ch = std::make_shared<mattermost_channel>(ctx, rejected, mattermost_verifier(o.mattermost_tokens));
    add_route(ctx, ch, http::verb::post);
    add_route(ctx, ch, http::verb::get);  // slash commands may be configured as GET
    enabled.emplace_back("mattermost");
  }
  if (!o.teams_secrets.empty()) {
    std::map<std::string, teams_verifier, std::less<>> verifiers;
    for (const auto& [id, token] : o.teams_secrets) {
      if (auto v = teams_verifier::from_base64_token(token)) verifiers.insert_or_assign(id, std::move(*v));
    }
    if (!verifiers.empty()) {
      auto ch = std::make_shared<teams_channel>(ctx, rejected, std::move(verifiers));
      add_route(ctx, ch, http::verb::post);
      enabled.emplace_back("teams");
    }
  }
  if (!o.discord_public_key.empty()) {
    if (auto v = discord_verifier::from_hex_key(o.discord_public_key)) {
      auto ch = std::make_shared<discord_channel>(ctx, rejected, std::move(*v));
      add_route(ctx, ch, http::verb::post);
      enabled.emplace_back("discord");
    }
  }
  return enabled;
}

}  // namespace advisor::channels
