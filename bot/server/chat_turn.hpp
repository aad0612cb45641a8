#pragma once
// One turn of a conversation, shared by every channel (WebSocket, HTTP API,
// later the team-chat webhooks): ask the brain, serialise the answer, count
// it in the metrics and log it (user text only with --log-text).
//
// Thread safety: as server_context; conv belongs to the caller.

#include <string>
#include <string_view>

#include "bot/engine/brain.hpp"
#include "bot/protocol/wire_error.hpp"
#include "bot/server/server_context.hpp"

namespace advisor::server {

// Answers text (already validated and trimmed) and updates conv. Returns the
// reply frame; with include_session it carries "session" (HTTP API).
std::string answer_turn(server_context& ctx, const brain& b, conversation& conv, std::string_view text,
                        const protocol::reply_to& id, std::string_view session, std::string_view channel,
                        bool include_session = false);

// Like answer_turn, for channels that render the reply themselves (the
// team-chat webhooks): asks the brain, counts and logs the turn, and returns
// the structured reply. Does not count messages_total (the caller does).
reply answer_reply(server_context& ctx, const brain& b, conversation& conv, std::string_view text,
                   std::string_view session, std::string_view channel);

// Returns the error frame for e and counts it.
std::string error_turn(server_context& ctx, const protocol::frame_error& e, std::string_view session,
                       std::string_view channel);

}  // namespace advisor::server
