#include "bot/client/client_options.hpp"

#include <charconv>
#include <cmath>

namespace advisor::client {
namespace {

// Longest accepted --timeout: one day.
constexpr double max_timeout_seconds = 86'400;

// "10", "2.5", "0.25": a positive number of seconds, at least 1 ms.
bool parse_seconds(std::string_view s, std::chrono::milliseconds& out) {
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return false;
  if (value < 0.001 || value > max_timeout_seconds) return false;
  out = std::chrono::milliseconds(static_cast<long long>(std::llround(value * 1000)));
  return true;
}

}  // namespace

std::optional<client_options> parse_client_options(int argc, const char* const* argv, std::string& error) {
  client_options o;
  bool have_url = false;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (options_ended || arg.empty() || arg[0] != '-' || arg == "-") {
      if (have_url) {
        error = "unexpected argument '" + std::string(arg) + "' (the URL was already given as '" + o.url + "')";
        return std::nullopt;
      }
      o.url = std::string(arg);
      have_url = true;
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (const auto eq = name.find('='); eq != std::string_view::npos && name.starts_with("--")) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto flag = [&](std::string_view n) { return name == n; };
    const bool is_switch = flag("--json") || flag("--why") || flag("--insecure") || flag("--no-color");
    const bool takes_value = flag("--script") || flag("--session") || flag("--timeout");
    if (!is_switch && !takes_value) {
      error = "unknown option '" + std::string(name) + "'";
      return std::nullopt;
    }
    if (is_switch) {
      if (inline_value) {
        error = "option '" + std::string(name) + "' takes no value";
        return std::nullopt;
      }
      if (flag("--json")) o.json = true;
      if (flag("--why")) o.why = true;
      if (flag("--insecure")) o.insecure = true;
      if (flag("--no-color")) o.no_color = true;
      continue;
    }
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = "option '" + std::string(name) + "' needs a value";
      return std::nullopt;
    }
    const std::string shown = "option '" + std::string(name) + "' value '" + std::string(value) + "': ";
    if (flag("--script")) {
      if (value.empty()) return error = shown + "expected a file name (or - for stdin)", std::nullopt;
      o.script = std::string(value);
    } else if (flag("--session")) {
      if (value.empty()) return error = shown + "expected a session id", std::nullopt;
      o.session = std::string(value);
    } else if (flag("--timeout")) {
      if (!parse_seconds(value, o.timeout)) {
        return error = shown + "expected a number of seconds greater than 0 (such as 10 or 2.5)", std::nullopt;
      }
    }
  }
  auto endpoint = parse_ws_url(o.url, o.session, error);
  if (!endpoint) return std::nullopt;
  o.endpoint = std::move(*endpoint);
  return o;
}

std::string client_usage() {
  return std::string(
             "Usage: advisor-client [OPTIONS] [URL]\n"
             "\n"
             "Chat with the TPM-vs-PM advisor over its WebSocket protocol.\n"
             "URL is ws://HOST[:PORT][/PATH] or wss://... (default ") +
         std::string(default_url) +
         "; an empty path means /ws).\n"
         "\n"
         "With a terminal on stdin the client is interactive (line editing, history in\n"
         "~/.advisor_client_history). With --script, or when stdin is not a terminal, it\n"
         "sends one utterance per line, waiting for each answer before the next; blank\n"
         "lines and lines starting with # are skipped, and a line /reset resets the\n"
         "conversation.\n"
         "\n"
         "Options:\n"
         "  --script FILE      read utterances from FILE (- for stdin)\n"
         "  --json             print the server's frames as raw JSON, one per line\n"
         "  --why              ask with every message why the answer was given (\"explain\":\n"
         "                     true) and print it under the answer ('Why this answer:')\n"
         "  --session ID       resume the session ID (from an earlier welcome)\n"
         "  --timeout SECONDS  limit for connecting and for each answer (default 10)\n"
         "  --insecure         wss:// without verifying the server certificate\n"
         "  --no-color         never use colors (also when NO_COLOR is set)\n"
         "  -h, --help         print this help and exit\n"
         "\n"
         "Interactive commands:\n"
         "  N        ask suggestion number N        /reset   start the conversation over\n"
         "  /json    toggle raw JSON output         /help    list these commands\n"
         "  /why     toggle --why                   /quit    leave (also Ctrl-D or Ctrl-C)\n"
         "\n"
         "Output (stdout): the welcome, then each answer as its text, an aligned table when\n"
         "the answer has one, the advice ('Fit: ...' and a line per reason: what you said\n"
         "-> tpm/pm/neither, the article's reason [section]) when there is advice, a\n"
         "'Source: SECTION' line per source, the 'Why this answer:' block with --why or\n"
         "/why, 'Suggestions:' with numbered lines (a question asking which of two readings\n"
         "you meant numbers them under 'Which did you mean?'), then a blank line. Server\n"
         "errors go to stderr as\n"
         "'error CODE: MESSAGE'. Colors only when stdout is a terminal and NO_COLOR is unset.\n"
         "\n"
         "Exit status:\n"
         "  0    ok\n"
         "  1    usage error (bad option, bad URL, unreadable script)\n"
         "  2    connection failed (cannot connect, TLS failure, upgrade refused)\n"
         "  3    protocol error (invalid frame from the server, or the connection closed\n"
         "       unexpectedly; the close code and reason are printed)\n"
         "  4    timeout waiting for the welcome or an answer\n"
         "  5    a script run finished but the server answered some line with an error\n"
         "  130  a script run was interrupted (Ctrl-C); interactive Ctrl-C exits 0\n";
}

}  // namespace advisor::client
