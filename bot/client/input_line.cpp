#include "bot/client/input_line.hpp"

#include <algorithm>
#include <charconv>

namespace advisor::client {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

input_action action(input_action::kind k, std::string text = {}) { return input_action{k, std::move(text), 0}; }

}  // namespace

input_action parse_script_line(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return action(input_action::kind::none);
  if (line == "/reset") return action(input_action::kind::reset);
  if (line == "/quit") return action(input_action::kind::quit);
  return action(input_action::kind::send, std::string(line));
}

input_action parse_interactive_line(std::string_view line, const std::vector<std::string>& suggestions) {
  using kind = input_action::kind;
  line = trim(line);
  if (line.empty()) return action(kind::none);
  if (std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), n);
    if (ec == std::errc() && end == line.data() + line.size() && n >= 1 && n <= suggestions.size()) {
      input_action picked = action(kind::send, suggestions[n - 1]);
      picked.suggestion = n;
      return picked;
    }
    if (suggestions.empty()) return action(kind::invalid, "There are no suggestions to pick from; type a question.");
    const std::string range = suggestions.size() == 1 ? "1" : "1-" + std::to_string(suggestions.size());
    return action(kind::invalid, "No suggestion " + std::string(line) + "; pick " + range + ".");
  }
  if (line.starts_with("//")) return action(kind::send, std::string(line.substr(1)));
  if (line.front() == '/') {
    if (line == "/reset") return action(kind::reset);
    if (line == "/quit" || line == "/exit") return action(kind::quit);
    if (line == "/help" || line == "/?") return action(kind::help);
    if (line == "/json") return action(kind::toggle_json);
    if (line == "/why") return action(kind::toggle_why);
    const std::string word(line.substr(0, line.find(' ')));
    return action(kind::invalid, "Unknown command " + word + "; type /help for the commands.");
  }
  return action(kind::send, std::string(line));
}

std::string interactive_help() {
  return "Type a question and press Enter. Commands:\n"
         "  N        ask suggestion number N\n"
         "  /reset   start the conversation over\n"
         "  /json    toggle raw JSON output\n"
         "  /why     toggle explanations: each answer then says why it was given\n"
         "  /help    show this help\n"
         "  /quit    leave (also Ctrl-D or Ctrl-C)\n"
         "  //text   send a message that starts with /\n"
         "Up/Down browse the history; Ctrl-R searches it.\n";
}

}  // namespace advisor::client
