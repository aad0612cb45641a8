#pragma once
// Registers the team-chat webhooks (POST /hooks/slack, /hooks/mattermost,
// /hooks/teams, /hooks/discord) on a server's routes, each only when its
// secret is configured in ctx.options (a channel without one stays off:
// its route does not exist and answers 404).
//
// Call once, after the server is built and before it runs. The channels are
// owned by the route table (and so by ctx).

#include <string>
#include <vector>

#include "bot/server/server_context.hpp"

namespace advisor::channels {

// Returns the names of the channels enabled ("slack", ...).
std::vector<std::string> add_channel_routes(server::server_context& ctx);

}  // namespace advisor::channels
