#pragma once
// client_options holds every setting of advisor-client, as given on the
// command line. parse_client_options() validates them all (including the
// URL) so that a bad invocation ends before any connection is tried.
//
// Thread safety: a plain value.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bot/client/ws_url.hpp"

namespace advisor::client {

inline constexpr std::string_view default_url = "ws://127.0.0.1:8080/ws";

struct client_options {
  std::string url = std::string(default_url);  // positional URL (ws:// or wss://)
  ws_url endpoint;                               // `url` parsed, with ?session= applied
  std::string script;                            // --script FILE; "-" is stdin; empty: none
  bool json = false;                             // --json: print raw server frames, one per line
  bool why = false;                              // --why: send "explain": true, show why each answer was given
  std::string session;                           // --session ID to resume; empty: a new session
  std::chrono::milliseconds timeout{10'000};     // --timeout SECONDS for connecting and for each answer
  bool insecure = false;                         // --insecure: wss:// without certificate verification
  bool no_color = false;                         // --no-color (NO_COLOR in the environment does the same)
  bool help = false;                             // --help: print usage and exit 0
};

// Parses argv (argv[0] is the program name). Accepts "--name value" and
// "--name=value", "-h", "--" to end the options, and one positional URL.
// Returns nullopt and sets error (one line, no program name) on an unknown
// flag, a missing or malformed value, a second URL or an invalid URL.
std::optional<client_options> parse_client_options(int argc, const char* const* argv, std::string& error);

// The --help text: usage, every flag, the interactive commands, the output
// format and the exit codes.
std::string client_usage();

}  // namespace advisor::client
