#pragma once
// An input_action is what one line of user input asks the client to do:
// send an utterance, run a slash command, or nothing. The two parsers hold
// the rules for script lines and for interactive lines.
//
// Thread safety: plain values and pure functions.

#include <string>
#include <string_view>
#include <vector>

namespace advisor::client {

struct input_action {
  enum class kind {
    none,         // blank line or comment: do nothing
    send,         // send `text` as a message
    reset,        // send a reset frame
    quit,         // close the connection and exit
    help,         // show the interactive commands
    toggle_json,  // switch between rendered and raw JSON output
    toggle_why,   // switch asking for "why this answer" (explain) on and off
    invalid,      // tell the user `text` (e.g. "no suggestion 7; pick 1-3")
  };
  kind what = kind::none;
  std::string text;            // send: the utterance; invalid: a message for the user
  std::size_t suggestion = 0;  // send: the suggestion number picked (1-based); 0 when typed
};

// A line of a script: surrounding white space (and a CR) is trimmed; blank
// lines and lines starting with '#' are none; exactly "/reset" and "/quit"
// are commands; every other line is sent as it is (after trimming).
input_action parse_script_line(std::string_view line);

// A line typed at the prompt, given the suggestions last shown: trimmed;
// blank is none; a whole number N picks suggestion N (1-based; out of range
// is invalid); "/reset", "/quit" (or "/exit"), "/help" (or "/?"), "/json",
// "/why" are commands, any other "/word" is invalid; "//text" sends "/text";
// anything else is sent.
input_action parse_interactive_line(std::string_view line, const std::vector<std::string>& suggestions);

// The text /help prints (the interactive commands), ending in "\n".
std::string interactive_help();

}  // namespace advisor::client
