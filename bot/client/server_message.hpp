#pragma once
// A server_message is one frame the advisor sent over the WebSocket, parsed
// and checked against protocol.md: welcome, reply, error, pong, reset_ok,
// or a frame of a type this client does not know (kept, so newer servers
// stay usable). Fields the protocol marks optional get their defaults;
// fields this client does not know are ignored.
//
// Thread safety: plain values and a pure function.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace advisor::client {

// A reply's side-by-side table; rows may be shorter or longer than columns.
struct text_table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// Protocol 1.1 `advice`: the role the person's own statements point to.
struct advice_reason {
  std::string said;       // the person's words
  std::string points_to;  // "tpm", "pm" or "neither"
  std::string because;    // from the article
  std::string section;    // article heading; "" when absent (neither)
};

struct advice_block {
  std::string fit;  // "tpm", "pm" or "either"
  std::vector<advice_reason> reasons;
};

// Protocol 1.1 `why` (sent when a message asked "explain": true).
struct why_reading {
  std::string intent;
  std::vector<std::string> roles;
  double score = 0;  // runner_up only
  std::string rule;  // runner_up only
  std::string lost;  // runner_up only: why it lost
};

struct why_block {
  std::string normalized;                                        // the text the rules matched
  std::vector<std::pair<std::string, std::string>> corrections;  // {from, to}
  std::string rule;                                              // the rule that fired
  std::string file;                                              // its rules file
  long long line = 0;                                            // its line (0: unknown)
  std::string matched;                                           // the span it matched
  std::optional<why_reading> context;                            // the earlier turn used
  std::vector<why_reading> runner_up;                            // other readings, best first
};

struct welcome_message {
  std::string session;                   // opaque id for --session
  std::string text;                      // greeting
  std::vector<std::string> suggestions;  // questions to start with
  std::string version;                   // protocol version ("1")
};

struct reply_message {
  std::optional<std::string> reply_to;   // the message's id; nullopt for null
  std::string text;                      // plain text
  std::string intent;                    // intent name ("" when absent)
  std::vector<std::string> roles;        // "tpm", "pm"
  double confidence = 0;                 // in [0, 1]
  std::vector<std::string> sources;      // section headings
  std::vector<std::string> suggestions;  // follow-up questions
  std::optional<text_table> table;       // side-by-side answer
  std::optional<advice_block> advice;    // protocol 1.1: which role fits the person
  bool clarify = false;                  // protocol 1.1: a question; suggestions are the readings
  std::optional<why_block> why;          // protocol 1.1: why this answer (asked with explain)
};

struct error_message {
  std::optional<std::string> reply_to;  // the request's id; nullopt for null
  std::string code;                     // bad_json, bad_request, too_long, ...
  std::string message;                  // for people
};

struct pong_message {
  std::optional<std::string> reply_to;
};

struct reset_ok_message {
  std::optional<std::string> reply_to;
};

struct unknown_message {
  std::string type;  // the frame's `type`
};

using server_message =
    std::variant<welcome_message, reply_message, error_message, pong_message, reset_ok_message, unknown_message>;

// Parses one text frame. Returns nullopt and sets error (what is wrong, for
// people) when the frame is not a JSON object with a string `type`, or when
// a welcome/reply/error lacks a required field (welcome: session, text;
// reply: text; error: code, message) or has a known field of the wrong type.
std::optional<server_message> parse_server_message(std::string_view frame, std::string& error);

// The `reply_to` of a reply, error, pong or reset_ok; nullopt for the others.
std::optional<std::string> reply_to_of(const server_message& m);

}  // namespace advisor::client
