#pragma once
// A wire_error is one of the error codes the protocol sends to a client in an
// `error` frame (WebSocket) or an error body (HTTP), see protocol.md.

#include <optional>
#include <string>
#include <string_view>

namespace advisor::protocol {

enum class wire_error {
  bad_json,      // the frame is not a JSON object
  bad_request,   // a required field is missing or has the wrong type, or `text` is empty
  too_long,      // `text` is longer than the configured maximum
  unknown_type,  // `type` is not one the server knows
  rate_limited,  // the connection sent faster than its allowance
};

// Number of wire_error values (for tables indexed by the enum).
inline constexpr std::size_t wire_error_count = 5;

// The code as it appears on the wire ("bad_json", ...).
std::string_view to_string(wire_error e);

// The id a reply echoes: the request's `id` when it was a string, else none
// (serialised as JSON null).
using reply_to = std::optional<std::string>;

// A problem with one client frame or request body, ready to be serialised.
struct frame_error {
  wire_error code = wire_error::bad_request;
  protocol::reply_to reply_to;  // the request's string `id`, if it had one
  std::string message;          // human-readable, for developers
};

}  // namespace advisor::protocol
