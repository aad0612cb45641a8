#pragma once
// Registers the team-chat webhooks (POST /hooks/slack, /hooks/mattermost,
// /hooks/teams, /hooks/discord) on a route table, each only when its secret
// is configured in options (a channel without one stays off: its route does
// not exist and answers 404).
//
// Call once, before the server runs. The channels are owned by the route
// table; chat, log and registry must outlive it.

#include <string>
#include <vector>

#include "bot/base/status.hpp"
#include "bot/channels/channel_options.hpp"
#include "bot/chat/chat_service.hpp"
#include "bot/http/router.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::channels {

// What the channels are built from.
struct channel_env {
  server::router& routes;
  server::chat_service& chat;
  server::logger& log;
  server::metrics_registry& registry;
};

// Adds the name of each channel enabled ("slack", ...) to enabled. A
// configured key that cannot be used (a Teams token that decodes to
// nothing, a Discord key that is not 32 bytes of hex) is an error: the
// server must not start with a channel silently off.
status add_channel_routes(const channel_env& env, const channel_options& options, std::vector<std::string>& enabled);

}  // namespace advisor::channels
