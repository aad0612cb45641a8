#pragma once
// A frame_handler is the protocol logic of one WebSocket conversation, free
// of any I/O: it opens (or resumes) the session, produces the welcome, and
// turns each client text frame into exactly one server frame (reply, pong,
// reset_ok or error), applying the rate limit and spotting abuse. The
// websocket_session does the reading and writing around it. Each message is
// answered by the server's current brain (a reload applies at once); the
// brain given at construction makes the welcome.
//
// Thread safety: none; one per connection, used on the connection's strand.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "bot/engine/brain.hpp"
#include "bot/engine/conversation.hpp"
#include "bot/server/rate_limiter.hpp"
#include "bot/server/server_context.hpp"

namespace advisor::server {

class frame_handler {
 public:
  using clock = std::chrono::steady_clock;

  // Resumes the conversation stored under requested_id when the store knows
  // it, else starts a new one with a fresh id; the session is saved at once
  // so its id can be resumed even before the first message.
  frame_handler(server_context& ctx, std::shared_ptr<const brain> b, std::string_view requested_id,
                clock::time_point now);

  struct result {
    std::string frame;     // the one frame to send
    bool abusive = false;  // close the connection with 1008 after sending frame
  };

  // Handles one complete text message.
  result handle(std::string_view text, clock::time_point now);

  // {"type":"welcome",...} carrying session_id().
  std::string welcome() const;
  const std::string& session_id() const { return session_id_; }
  // True when the constructor found the requested session.
  bool resumed() const { return resumed_; }

 private:
  server_context& ctx_;
  std::shared_ptr<const brain> brain_;
  std::string session_id_;
  conversation conv_;
  bool resumed_ = false;
  token_bucket bucket_;
  abuse_detector abuse_;
};

}  // namespace advisor::server
