#pragma once
// server_options holds every setting of the advisor server: network,
// protocol limits, timeouts, sessions and logging. Each field has a default
// that serves a small production deployment; the flag and the ADVISOR_*
// environment variable that set it are named in options_help().
//
// Thread safety: a plain value; the server reads it only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/channels/channel_options.hpp"
#include "bot/ops/logger.hpp"

namespace advisor::server {

using std::chrono_literals::operator""s;
using std::chrono_literals::operator""min;

struct server_options {
  // --- network ---
  std::string bind = "0.0.0.0";  // address to listen on
  std::uint16_t port = 8080;     // TCP port; 0 picks a free port (printed in the "listening" log line)
  unsigned threads = 0;          // I/O threads; 0 means one per core

  // --- data ---
  std::filesystem::path rules_dir;          // rules/*.json; default: the source tree's rules/
  std::filesystem::path knowledge_dir;      // knowledge/*.json; default: the source tree's knowledge/
  std::filesystem::path conversations_dir;  // conversation checks (*.jsonl) every rule set must pass at start,
                                            // --check and reload; default: the source tree's
                                            // rules/checks; empty ("none"): no checks

  // --- WebSocket protocol limits ---
  std::size_t max_message_bytes = 16 * 1024;     // whole WebSocket message, all fragments (inclusive); over: close 1009
  std::size_t max_text_chars = 1000;             // `text` in code points after trimming (inclusive); over: too_long
  std::size_t max_queue = 64;                    // outbound frames queued per WebSocket; full: stop reading that peer
  double msg_rate = 15;                          // sustained `message` frames per second per connection; 0: no limit
  double msg_burst = 30;                         // token bucket size (burst) for msg_rate
  double abuse_factor = 10;                      // frames at abuse_factor x msg_rate ...
  std::chrono::milliseconds abuse_window = 10s;  // ... for this long close the connection with 1008
  bool permessage_deflate = false;               // offer WebSocket compression (costs memory per connection)
  std::vector<std::string> allowed_origins;      // Origins allowed to upgrade (pages embedding the widget); empty: all

  // --- HTTP limits ---
  std::size_t re2_max_mem = std::size_t{32} << 20;  // re2's budget per set of expressions (engine_options)
  std::size_t text_cache = 1024;  // texts per thread whose analysis is kept (engine_options)
  std::size_t max_body_bytes = 64 * 1024;   // request body (inclusive); over: 413 payload_too_large
  std::size_t max_header_bytes = 8 * 1024;  // request line plus headers; over: 431
  std::size_t max_connections = 20000;      // open TCP connections; past it: 503 (WebSocket upgrades too)

  // --- timeouts ---
  std::chrono::milliseconds handshake_timeout = 10s;  // WebSocket opening (once the upgrade request is read)
                                                      // and closing handshakes
  std::chrono::milliseconds idle_timeout = 60s;       // WebSocket: ping after half of it idle, close after all of it
  std::chrono::milliseconds http_timeout = 30s;       // HTTP: reading one request (a WebSocket upgrade request
                                                      // too), and keep-alive idle time
  std::chrono::milliseconds shutdown_timeout = 5s;    // SIGTERM/SIGINT: longest wait for connections to finish;
                                                      // then those still open are closed and the exit is 0

  // --- sessions ---
  std::chrono::milliseconds session_idle = 30min;  // a conversation's context is forgotten after this idle time
  std::size_t max_sessions = 100000;               // most conversations kept; the least recently used goes first
  std::string sessions = "memory";                 // session store: "memory" (this process) or redis://host:port[/db]

  // --- logging ---
  log_level level = log_level::info;  // least severe level written
  bool log_text = false;              // include user text in logs

  // --- team-chat channels (integrations.md; bot/channels/channel_options.hpp) ---
  std::filesystem::path secrets_file;  // KEY=value lines (ADVISOR_* names), read before the environment
  channels::channel_options channels;  // secrets and settings of /hooks/<platform>

  // --- administration ---
  std::string admin_token;  // secret: bearer token for POST /admin/reload; unset: no admin routes

  // --- modes ---
  bool check = false;  // --check: validate rules and knowledge, then exit
  bool help = false;   // --help: print usage, then exit
};

// Looks up an environment variable; nullptr when unset.
using env_lookup = std::function<const char*(const char*)>;

// Builds options from the secrets file (--secrets-file or
// ADVISOR_SECRETS_FILE: "ADVISOR_NAME=value" lines, '#' comments), then
// ADVISOR_* environment variables, then argv (flags win; secrets have no
// flag). Accepts "--name value" and "--name=value". Durations take
// ms, s, m or h suffixes (bare numbers are seconds); sizes take KiB/MiB (or
// K/M) suffixes (bare numbers are bytes). Returns nullopt and sets error on
// any unknown flag, missing or malformed value. Unset rules/knowledge
// directories and threads get their defaults.
std::optional<server_options> parse_options(int argc, const char* const* argv, const env_lookup& env,
                                            std::string& error);

// The --help text: every flag with its environment variable and default.
std::string options_help();

}  // namespace advisor::server
