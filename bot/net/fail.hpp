#pragma once
// Reporting a failed asynchronous operation, Beast style:
//   if (ec) return fail(ctx_.log, ec, "read", "ws");
// The normal ends of a connection (operation aborted, WebSocket closed,
// end of stream, reset by peer, broken pipe, timeout) are logged at debug
// level only; anything else at warn.

#include <string_view>

#include "bot/ops/logger.hpp"
#include "bot/net/net.hpp"

namespace advisor::server {

bool is_quiet_error(const error_code& ec);

void fail(logger& log, const error_code& ec, std::string_view what, std::string_view channel);

}  // namespace advisor::server
