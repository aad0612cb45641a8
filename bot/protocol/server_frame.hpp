#pragma once
// Server frames: the JSON texts the server sends (welcome, reply, error,
// pong, reset_ok) and the HTTP error body, serialised with Boost.JSON exactly
// as protocol.md shows them. Every function returns one complete JSON text.
//
// Thread safety: free functions over values; safe from any thread.

#include <string>
#include <string_view>

#include "bot/engine/brain.hpp"
#include "bot/engine/reply.hpp"
#include "bot/protocol/wire_error.hpp"

namespace advisor::protocol {

// The protocol version the welcome frame announces.
inline constexpr std::string_view protocol_version = "1";

// Most suggestions a reply carries (protocol: 0..5).
inline constexpr std::size_t max_suggestions = 5;

// Most runner_up readings a `why` carries (protocol 1.1: up to three).
inline constexpr std::size_t max_runners_up = 3;

// {"type":"welcome","session":...,"text":...,"suggestions":[...],"version":"1"}
std::string welcome_frame(std::string_view session, const welcome_message& welcome);

// {"type":"reply","reply_to":...,"text":...,"intent":...,"roles":[...],
//  "confidence":...,"sources":[{"section":...}],"suggestions":[...],
//  "table":{...} (when present),"rule":... (when non-empty),
//  "advice":{...} (when present),"clarify":true (only when true),
//  "why":{...} (when present),"version":...}
// plus "session" when session is non-empty (the HTTP API's answer). The
// protocol 1.1 extras (advice, clarify, why) are written exactly as
// protocol.md shows them; without them the frame is a version-1 reply.
// confidence is clamped to [0, 1] (NaN becomes 0); it and the runner-up
// scores are written rounded to two decimals (0.93, 0.5, 1).
std::string reply_frame(const reply& r, const reply_to& id, std::string_view brain_version,
                        std::string_view session = {});

// {"type":"error","reply_to":...,"code":...,"message":...}
std::string error_frame(const frame_error& e);

// {"type":"pong","reply_to":...}
std::string pong_frame(const reply_to& id);

// {"type":"reset_ok","reply_to":...}
std::string reset_ok_frame(const reply_to& id);

// The HTTP error body {"error":{"code":...,"message":...}}.
std::string http_error_body(std::string_view code, std::string_view message);

}  // namespace advisor::protocol
