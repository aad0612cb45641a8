#include "bot/client/frame_renderer.hpp"

#include <catch2/catch.hpp>

using namespace advisor::client;

namespace {

const render_style plain{};

reply_message sample_reply() {
  reply_message r;
  r.reply_to = "c1";
  r.text = "A Technical Program Manager coordinates complex engineering projects.";
  r.intent = "responsibilities";
  r.roles = {"tpm"};
  r.confidence = 0.93;
  r.sources = {"Core Responsibilities Comparison", "Introduction"};
  r.suggestions = {"What about a Product Manager?", "What skills does a TPM need?"};
  return r;
}

}  // namespace

TEST_CASE("render_welcome prints the text and numbered suggestions", "[client]") {
  welcome_message w{"s1", "Hi! Ask me how a TPM and a PM differ.", {"What does a TPM do?", "TPM vs PM?"}, "1"};
  CHECK(render_welcome(w, plain) ==
        "Hi! Ask me how a TPM and a PM differ.\n"
        "Suggestions:\n"
        "  1. What does a TPM do?\n"
        "  2. TPM vs PM?\n"
        "\n");
  w.suggestions.clear();
  CHECK(render_welcome(w, plain) == "Hi! Ask me how a TPM and a PM differ.\n\n");
}

TEST_CASE("render_reply prints text, sources, suggestions and a blank line", "[client]") {
  CHECK(render_reply(sample_reply(), plain) ==
        "A Technical Program Manager coordinates complex engineering projects.\n"
        "Source: Core Responsibilities Comparison\n"
        "Source: Introduction\n"
        "Suggestions:\n"
        "  1. What about a Product Manager?\n"
        "  2. What skills does a TPM need?\n"
        "\n");
}

TEST_CASE("render_reply of a meta reply has no sources or suggestions", "[client]") {
  reply_message r;
  r.text = "Goodbye!";
  CHECK(render_reply(r, plain) == "Goodbye!\n\n");
}

TEST_CASE("render_reply keeps long text on one line unless wrapping", "[client]") {
  reply_message r;
  r.text = "one two three four five six";
  render_style narrow;
  narrow.width = 10;
  CHECK(render_reply(r, narrow) == "one two three four five six\n\n");
  narrow.wrap_text = true;
  CHECK(render_reply(r, narrow) == "one two\nthree four\nfive six\n\n");
}

TEST_CASE("render_reply shows the table between the text and the sources", "[client]") {
  reply_message r;
  r.text = "They differ:";
  r.table = text_table{{"Aspect", "TPM", "PM"}, {{"Focus", "How and when", "What and why"}, {"Metrics", "Delivery", "Adoption"}}};
  r.sources = {"Table of Comparison"};
  CHECK(render_reply(r, plain) ==
        "They differ:\n"
        "Aspect  | TPM          | PM\n"
        "--------+--------------+-------------\n"
        "Focus   | How and when | What and why\n"
        "Metrics | Delivery     | Adoption\n"
        "Source: Table of Comparison\n"
        "\n");
}

TEST_CASE("render_table wraps cells to the width and separates wrapped rows", "[client]") {
  const text_table t{{"Aspect", "Technical Program Manager", "Product Manager"},
                     {{"Primary Focus", "Program coordination, technical delivery, cross-team alignment",
                       "Product vision, user needs, market strategy"},
                      {"Metrics", "Delivery timelines", "Adoption"}}};
  render_style s;
  s.width = 60;
  CHECK(render_table(t, s) ==
        "Aspect        | Technical Program    | Product Manager\n"
        "              | Manager              |\n"
        "--------------+----------------------+----------------------\n"
        "Primary Focus | Program              | Product vision, user\n"
        "              | coordination,        | needs, market\n"
        "              | technical delivery,  | strategy\n"
        "              | cross-team alignment |\n"
        "--------------+----------------------+----------------------\n"
        "Metrics       | Delivery timelines   | Adoption\n");
  for (const auto& line : wrap_text(render_table(t, s), 1000)) CHECK(display_width(line) <= 60);
}

TEST_CASE("render_table pads short rows and tolerates extra cells", "[client]") {
  const text_table t{{"A", "B"}, {{"1"}, {"1", "2", "3"}}};
  CHECK(render_table(t, plain) ==
        "A | B |\n"
        "--+---+--\n"
        "1 |   |\n"
        "1 | 2 | 3\n");
  CHECK(render_table(text_table{}, plain).empty());
}

TEST_CASE("render_table splits words longer than a narrow column", "[client]") {
  const text_table t{{"K", "V"}, {{"k", "abcdefghijklmnopqrstuvwxyz"}}};
  render_style s;
  s.width = 16;  // 1 + 3 + 12
  CHECK(render_table(t, s) ==
        "K | V\n"
        "--+-------------\n"
        "k | abcdefghijkl\n"
        "  | mnopqrstuvwx\n"
        "  | yz\n");
}

TEST_CASE("render_error is one line in the documented form", "[client]") {
  const error_message e{"c7", "too_long", "field 'text' is longer than 1000 characters"};
  CHECK(render_error(e, plain) == "error too_long: field 'text' is longer than 1000 characters\n");
}

TEST_CASE("render_reset_ok confirms the reset", "[client]") { CHECK(render_reset_ok(plain) == "Conversation reset.\n\n"); }

TEST_CASE("colors are ANSI sequences and only with style.color", "[client]") {
  render_style color;
  color.color = true;
  const std::string out = render_reply(sample_reply(), color);
  CHECK(out.find("\x1b[") != std::string::npos);
  CHECK(out.find("A Technical Program Manager coordinates") != std::string::npos);
  CHECK(render_reply(sample_reply(), plain).find('\x1b') == std::string::npos);
  CHECK(render_error(error_message{std::nullopt, "x", "y"}, color) == "\x1b[1;31merror x:\x1b[0m y\n");
}

TEST_CASE("control characters from the server cannot reach the terminal", "[client]") {
  reply_message r;
  r.text = "bad\x1b[2Jtext\tend";
  CHECK(render_reply(r, plain) == "bad\xEF\xBF\xBD[2Jtext end\n\n");
}

TEST_CASE("describe_close names the code and adds the reason", "[client]") {
  CHECK(describe_close(1000, "") == "1000 (normal closure)");
  CHECK(describe_close(1001, "shutting down") == "1001 (going away): shutting down");
  CHECK(describe_close(1008, "abuse") == "1008 (policy violation): abuse");
  CHECK(describe_close(1009, "") == "1009 (message too big)");
  CHECK(describe_close(4000, "custom") == "4000: custom");
}

TEST_CASE("wrap_text wraps at spaces, keeps newlines and counts code points", "[client]") {
  CHECK(wrap_text("", 10) == std::vector<std::string>{""});
  CHECK(wrap_text("a b c", 3) == std::vector<std::string>{"a b", "c"});
  CHECK(wrap_text("para one\n\npara two", 20) == std::vector<std::string>{"para one", "", "para two"});
  CHECK(wrap_text("abcdefgh", 3) == std::vector<std::string>{"abc", "def", "gh"});
  CHECK(wrap_text("héllo wörld", 5) == std::vector<std::string>{"héllo", "wörld"});
  CHECK(wrap_text("x", 0) == std::vector<std::string>{"x"});
  CHECK(display_width("héllo") == 5);
}

TEST_CASE("render_reply shows advice as a fit line and a line per reason", "[client]") {
  reply_message r;
  r.text = "From what you said, a TPM role fits you better.";
  r.advice = advice_block{"tpm",
                          {{"I love coding", "tpm", "TPMs need a deep understanding of software development",
                            "Technical Expertise Requirements"},
                           {"I play the guitar", "neither", "the article does not speak to this", ""}}};
  r.sources = {"Technical Expertise Requirements"};
  r.suggestions = {"What does a TPM do?"};
  CHECK(render_reply(r, plain) ==
        "From what you said, a TPM role fits you better.\n"
        "Fit: TPM (Technical Program Manager)\n"
        "  \"I love coding\" \xE2\x86\x92 tpm: TPMs need a deep understanding of software development "
        "[Technical Expertise Requirements]\n"
        "  \"I play the guitar\" \xE2\x86\x92 neither: the article does not speak to this\n"
        "Source: Technical Expertise Requirements\n"
        "Suggestions:\n"
        "  1. What does a TPM do?\n"
        "\n");
  CHECK(render_advice(advice_block{"pm", {}}, plain) == "Fit: PM (Product Manager)\n");
  CHECK(render_advice(advice_block{"either", {}}, plain) == "Fit: either role\n");
}

TEST_CASE("render_advice wraps reasons to the width with an indent", "[client]") {
  render_style narrow;
  narrow.width = 30;
  narrow.wrap_text = true;
  const auto out =
      render_advice(advice_block{"pm", {{"I like users", "pm", "PMs talk with customers every day", "Focus"}}}, narrow);
  CHECK(out ==
        "Fit: PM (Product Manager)\n"
        "  \"I like users\" \xE2\x86\x92 pm: PMs\n"
        "    talk with customers every\n"
        "    day [Focus]\n");
}

TEST_CASE("a clarify reply asks its question with the readings as numbered choices", "[client]") {
  reply_message r;
  r.text = "Do you mean what a TPM does, or how a TPM is evaluated?";
  r.clarify = true;
  r.suggestions = {"What does a TPM do?", "How is a TPM evaluated?"};
  CHECK(render_reply(r, plain) ==
        "Do you mean what a TPM does, or how a TPM is evaluated?\n"
        "Which did you mean? (type its number)\n"
        "  1. What does a TPM do?\n"
        "  2. How is a TPM evaluated?\n"
        "\n");
}

TEST_CASE("render_reply shows why after the sources", "[client]") {
  reply_message r = sample_reply();
  r.suggestions.clear();
  r.sources = {"Key Metrics"};
  why_block w;
  w.normalized = "how are pm evaluated";
  w.corrections = {{"evaluted", "evaluated"}};
  w.rule = "key_metrics.evaluated";
  w.file = "rules/topical.json";
  w.line = 120;
  w.matched = "pm evaluated";
  w.context = why_reading{"skills", {"pm"}, 0, "", ""};
  w.runner_up = {{"responsibilities", {"pm"}, 0.61, "responsibilities.word", "lower weight"},
                 {"skills", {"tpm", "pm"}, 0.5, "", ""}};
  r.why = w;
  CHECK(render_reply(r, plain) ==
        "A Technical Program Manager coordinates complex engineering projects.\n"
        "Source: Key Metrics\n"
        "Why this answer:\n"
        "  read as: how are pm evaluated\n"
        "  corrected: evaluted \xE2\x86\x92 evaluated\n"
        "  rule: key_metrics.evaluated (rules/topical.json:120)\n"
        "  matched: \"pm evaluated\"\n"
        "  context: skills (pm)\n"
        "  runner-up: responsibilities (pm), score 0.61, rule responsibilities.word: lower weight\n"
        "  runner-up: skills (tpm, pm), score 0.5\n"
        "\n");
  // A fallback: no rule, no file, nothing matched, no context.
  CHECK(render_why(why_block{"blah", {}, "", "", 0, "", std::nullopt, {}}, plain) ==
        "Why this answer:\n  read as: blah\n  rule: none\n");
}
