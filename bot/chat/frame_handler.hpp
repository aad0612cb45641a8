#pragma once
// A frame_handler is the protocol logic of one WebSocket conversation, free
// of any I/O: it opens (or resumes) the session, produces the welcome, and
// turns each client text frame into exactly one server frame (reply, pong,
// reset_ok or error), applying the rate limit and spotting abuse. The
// websocket_session does the reading and writing around it; the
// chat_service answers each message with the brain current when it arrives
// (a reload applies at once, with the conversation's context kept).
//
// Thread safety: none; one per connection, used on the connection's strand.

#include <chrono>
#include <string>
#include <string_view>

#include "bot/chat/chat_service.hpp"
#include "bot/chat/rate_limiter.hpp"
#include "bot/engine/conversation.hpp"

namespace advisor::server {

// The per-connection message allowance.
struct rate_options {
  double msg_rate = 15;      // sustained `message` frames per second; 0: no limit
  double msg_burst = 30;     // token bucket size
  double abuse_factor = 10;  // frames at abuse_factor x msg_rate ...
  std::chrono::milliseconds abuse_window{std::chrono::seconds(10)};  // ... for this long are abuse
};

class frame_handler {
 public:
  using clock = std::chrono::steady_clock;

  // Resumes the conversation stored under requested_id when the store knows
  // it, else starts a new one with a fresh id; the session is saved at once
  // so its id can be resumed even before the first message.
  frame_handler(chat_service& chat, const rate_options& rate, std::string_view requested_id, clock::time_point now);

  struct result {
    std::string frame;     // the one frame to send
    bool abusive = false;  // close the connection with 1008 after sending frame
  };

  // Handles one complete text message.
  result handle(std::string_view text, clock::time_point now);

  // {"type":"welcome",...} carrying session_id(), from the current brain.
  std::string welcome() const;
  const std::string& session_id() const { return session_.id; }
  // True when the constructor found the requested session.
  bool resumed() const { return session_.resumed; }

 private:
  chat_service& chat_;
  open_session session_;
  token_bucket bucket_;
  abuse_detector abuse_;
};

}  // namespace advisor::server
