#pragma once
// A client_frame is one validated message from a client: a WebSocket text
// frame ({"type":"message"|"reset"|"ping", ...}) or, for the HTTP API, a
// chat_request body ({"text":..., "session":...}). The parse functions turn
// raw JSON into these structs or into the frame_error the client must get,
// applying every rule of protocol.md (type checks, trimming, length).
//
// Thread safety: free functions over values; safe from any thread.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "bot/protocol/wire_error.hpp"

namespace advisor::protocol {

enum class frame_type { message, reset, ping };

struct client_frame {
  frame_type type = frame_type::message;
  protocol::reply_to id;  // the frame's `id` when it is a string
  std::string text;       // `message` only: trimmed of Unicode white space
  bool explain = false;   // `message` only: `"explain": true` asks for `why` (protocol 1.1)
};

// Limits the parsers apply to user text.
struct text_limits {
  // Maximum length of `text` in code points after trimming (inclusive).
  std::size_t max_text_chars = 1000;
};

using frame_result = std::variant<client_frame, frame_error>;

// Parses one WebSocket text frame. Errors, in the order they are checked:
// not JSON or not an object -> bad_json (reply_to null); `type` missing or
// not a string -> bad_request; unknown `type` -> unknown_type; for `message`:
// `text` missing, not a string or empty after trimming -> bad_request, longer
// than limits.max_text_chars -> too_long; `explain` present and not a boolean
// -> bad_request. Every error but bad_json echoes a string `id`.
frame_result parse_client_frame(std::string_view frame, const text_limits& limits);

// The body of POST /api/v1/chat.
struct chat_request {
  std::string text;                    // trimmed of Unicode white space
  std::optional<std::string> session;  // absent or null: start a new session
  protocol::reply_to id;               // optional string `id`, echoed as reply_to
  bool explain = false;                // optional `"explain": true`: the reply carries `why`
};

using chat_result = std::variant<chat_request, frame_error>;

// Parses a chat request body with the same text rules as a `message` frame;
// `session` must be a string or null when present, `explain` a boolean when
// present (else bad_request).
chat_result parse_chat_request(std::string_view body, const text_limits& limits);

}  // namespace advisor::protocol
