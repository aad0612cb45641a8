#include "bot/client/input_line.hpp"

#include <catch2/catch.hpp>

using namespace advisor::client;
using kind = input_action::kind;

TEST_CASE("script lines: blanks and comments are skipped, text is trimmed", "[client]") {
  CHECK(parse_script_line("").what == kind::none);
  CHECK(parse_script_line("   \t").what == kind::none);
  CHECK(parse_script_line("\r").what == kind::none);
  CHECK(parse_script_line("# a comment").what == kind::none);
  CHECK(parse_script_line("   # indented comment").what == kind::none);
  const auto a = parse_script_line("  What does a TPM do?  \r");
  CHECK(a.what == kind::send);
  CHECK(a.text == "What does a TPM do?");
  CHECK(a.suggestion == 0);
}

TEST_CASE("script lines: /reset and /quit are commands, the rest is sent", "[client]") {
  CHECK(parse_script_line("/reset").what == kind::reset);
  CHECK(parse_script_line(" /quit ").what == kind::quit);
  CHECK(parse_script_line("/json").what == kind::send);
  CHECK(parse_script_line("/json").text == "/json");
  CHECK(parse_script_line("2").what == kind::send);
  CHECK(parse_script_line("2").text == "2");
  CHECK(parse_script_line("What is #1?").text == "What is #1?");
}

TEST_CASE("interactive lines: numbers pick suggestions", "[client]") {
  const std::vector<std::string> s{"What does a TPM do?", "TPM vs PM?", "Which role suits me?"};
  const auto a = parse_interactive_line(" 2 ", s);
  CHECK(a.what == kind::send);
  CHECK(a.text == "TPM vs PM?");
  CHECK(a.suggestion == 2);
  CHECK(parse_interactive_line("0", s).text == "No suggestion 0; pick 1-3.");
  CHECK(parse_interactive_line("4", s).what == kind::invalid);
  CHECK(parse_interactive_line("99999999999999999999999", s).what == kind::invalid);
  CHECK(parse_interactive_line("1", {"Only one"}).text == "Only one");
  CHECK(parse_interactive_line("2", {"Only one"}).text == "No suggestion 2; pick 1.");
  CHECK(parse_interactive_line("1", {}).text == "There are no suggestions to pick from; type a question.");
}

TEST_CASE("interactive lines: slash commands", "[client]") {
  CHECK(parse_interactive_line("", {}).what == kind::none);
  CHECK(parse_interactive_line("/reset", {}).what == kind::reset);
  CHECK(parse_interactive_line("/quit", {}).what == kind::quit);
  CHECK(parse_interactive_line("/exit", {}).what == kind::quit);
  CHECK(parse_interactive_line("/help", {}).what == kind::help);
  CHECK(parse_interactive_line("/?", {}).what == kind::help);
  CHECK(parse_interactive_line("/json", {}).what == kind::toggle_json);
  CHECK(parse_interactive_line("/why", {}).what == kind::toggle_why);
  CHECK(parse_script_line("/why").what == kind::send);  // scripts use --why
  const auto bad = parse_interactive_line("/frobnicate now", {});
  CHECK(bad.what == kind::invalid);
  CHECK(bad.text == "Unknown command /frobnicate; type /help for the commands.");
  const auto slash = parse_interactive_line("//etc is a path", {});
  CHECK(slash.what == kind::send);
  CHECK(slash.text == "/etc is a path");
  CHECK(parse_interactive_line("# not a comment here", {}).what == kind::send);
}

TEST_CASE("interactive help lists the commands", "[client]") {
  const std::string help = interactive_help();
  for (const char* c : {"/reset", "/json", "/why", "/help", "/quit", "Ctrl-D"})
    CHECK(help.find(c) != std::string::npos);
}
