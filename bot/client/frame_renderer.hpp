#pragma once
// The frame renderer turns server frames into the text advisor-client
// prints. Every function is pure (no I/O, no terminal queries): the caller
// passes the style, so the exact output is unit-testable.
//
// Output format. With render_style{} (no color, no wrapping: what a script
// run without a terminal gets) the output is stable and line-oriented:
//
//   welcome:   <text>\n
//              Suggestions:\n            (only when there are suggestions)
//                1. <suggestion>\n       (two spaces, number, dot, space)
//              \n                        (a blank line ends every block)
//   reply:     <text>\n                  (as sent; omitted when empty)
//              <table>                   (only when the reply has a table)
//              <advice>                  (protocol 1.1, only with advice)
//              Source: <section>\n       (one line per source, in order)
//              <why>                     (protocol 1.1, only with why)
//              Suggestions:\n  1. ...\n  (as for the welcome; a clarify reply
//                                        heads them "Which did you mean? (type
//                                        its number)")
//              \n
//   reset_ok:  Conversation reset.\n\n
//   error:     error <code>: <message>\n (render_error; the client prints it to stderr)
//
// A table is a header line, a rule of dashes, then one line per row:
//
//   Aspect | TPM          | PM
//   -------+--------------+-------------
//   Focus  | How and when | What and why
//
// Columns are separated by " | " and padded to their widest cell; trailing
// spaces are dropped. When the natural width exceeds style.width, the widest
// columns shrink first and cells wrap at spaces (words longer than a column
// are split); if any row then takes several lines, rows are separated by
// rules too. Widths count Unicode code points (no East Asian wide forms).
//
// Advice is a fit line, then one line per reason (the person's words, the
// role they point to, the article's reason and its section):
//
//   Fit: TPM (Technical Program Manager)      ("PM (Product Manager)", "either role")
//     "I love coding" → tpm: TPMs need a deep understanding ... [Technical Expertise Requirements]
//     "I play the guitar" → neither: the article does not speak to this
//
// Why is a block of labelled lines (only those with something to say but
// "read as" and "rule"):
//
//   Why this answer:
//     read as: how are pm evaluated
//     corrected: evaluted → evaluated
//     rule: key_metrics.evaluated (rules/topical.json:120)
//     matched: "pm evaluated"
//     context: skills (pm)
//     runner-up: responsibilities (pm), score 0.61, rule responsibilities.word: lower weight
//
// With wrap_text, block lines wrap to the width, continuation lines
// indented by four spaces.
//
// Control characters in server text (other than newline) are shown as
// U+FFFD so that a frame cannot drive the terminal.
//
// Thread safety: pure functions; safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/client/server_message.hpp"

namespace advisor::client {

struct render_style {
  bool color = false;      // ANSI colors and emphasis
  std::size_t width = 80;  // columns available for tables (and text when wrap_text)
  bool wrap_text = false;  // word-wrap reply and welcome text to width
};

std::string render_welcome(const welcome_message& m, const render_style& style);
std::string render_reply(const reply_message& m, const render_style& style);
std::string render_reset_ok(const render_style& style);

// The advice and why blocks of a reply (each line ending in "\n").
std::string render_advice(const advice_block& a, const render_style& style);
std::string render_why(const why_block& w, const render_style& style);

// "error <code>: <message>\n" (red with color).
std::string render_error(const error_message& m, const render_style& style);

// The table lines (each ending in "\n"); "" for a table with no columns and no rows.
std::string render_table(const text_table& t, const render_style& style);

// "1001 (going away): shutting down"; the reason part only when non-empty.
std::string describe_close(std::uint16_t code, std::string_view reason);

// Splits text into lines of at most width code points: at newlines, then
// greedily at spaces; longer words are split. Runs of spaces inside a line
// collapse to one. Returns {""} for empty text. width 0 counts as 1.
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

// The number of code points in UTF-8 text (the client's idea of its width).
std::size_t display_width(std::string_view text);

}  // namespace advisor::client
