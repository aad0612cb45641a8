#include "bot/client/frame_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace advisor::client {
namespace {

// ANSI sequences, used only with render_style::color.
constexpr std::string_view reset_sgr = "\x1b[0m";
constexpr std::string_view dim_sgr = "\x1b[2m";
constexpr std::string_view bold_sgr = "\x1b[1m";
constexpr std::string_view number_sgr = "\x1b[1;36m";
constexpr std::string_view error_sgr = "\x1b[1;31m";

// Columns a table never shrinks below (unless its content is narrower).
constexpr std::size_t min_column_width = 8;

// " | " between columns, "-+-" in rules.
constexpr std::size_t column_gap = 3;

std::string paint(std::string_view text, std::string_view sgr, const render_style& style) {
  if (!style.color || text.empty()) return std::string(text);
  std::string out;
  out.reserve(sgr.size() + text.size() + reset_sgr.size());
  out.append(sgr).append(text).append(reset_sgr);
  return out;
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Replaces C0 controls (but newline), DEL and tabs: tabs become a space,
// the others U+FFFD.
std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out.push_back('\n');
    } else if (c == '\t') {
      out.push_back(' ');
    } else if (c < 0x20 || c == 0x7F) {
      out.append("\xEF\xBF\xBD");
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// Byte length of the first n code points of s (all of s when shorter).
std::size_t prefix_bytes(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  std::size_t points = 0;
  while (i < s.size()) {
    if (!is_continuation(static_cast<unsigned char>(s[i]))) {
      if (points == n) break;
      ++points;
    }
    ++i;
  }
  return i;
}

// Appends one paragraph (no newlines) wrapped to width.
void wrap_paragraph(std::string_view para, std::size_t width, std::vector<std::string>& out) {
  std::string line;
  std::size_t line_width = 0;
  bool any = false;
  std::size_t i = 0;
  while (i < para.size()) {
    while (i < para.size() && para[i] == ' ') ++i;
    if (i == para.size()) break;
    std::size_t end = para.find(' ', i);
    if (end == std::string_view::npos) end = para.size();
    std::string_view word = para.substr(i, end - i);
    i = end;
    std::size_t word_width = display_width(word);
    if (line_width > 0 && line_width + 1 + word_width <= width) {
      line += ' ';
      line += word;
      line_width += 1 + word_width;
      continue;
    }
    if (line_width > 0) {
      out.push_back(std::move(line));
      line.clear();
      line_width = 0;
    }
    while (word_width > width) {
      const std::size_t cut = prefix_bytes(word, width);
      out.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
      word_width -= width;
    }
    line = std::string(word);
    line_width = word_width;
    any = true;
  }
  if (line_width > 0 || !any) out.push_back(std::move(line));
}

std::string pad_to(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

void trim_right(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

std::string render_suggestions(const std::vector<std::string>& suggestions, const render_style& style,
                               std::string_view heading = "Suggestions:") {
  if (suggestions.empty()) return {};
  std::string out = paint(heading, dim_sgr, style) + "\n";
  for (std::size_t i = 0; i < suggestions.size(); ++i) {
    out += "  ";
    out += paint(std::to_string(i + 1) + ".", number_sgr, style);
    out += ' ';
    out += sanitize(suggestions[i]);
    out += '\n';
  }
  return out;
}

std::string render_text(std::string_view text, const render_style& style) {
  if (text.empty()) return {};
  const std::string clean = sanitize(text);
  if (!style.wrap_text) return clean + "\n";
  std::string out;
  for (const auto& line : wrap_text(clean, style.width)) out.append(line).push_back('\n');
  return out;
}

// One line of a block ("  " + text), wrapped to the width with the
// continuation lines indented further when style.wrap_text.
std::string block_line(std::string_view text, const render_style& style) {
  const std::string clean = sanitize(text);
  if (!style.wrap_text || style.width <= 12) return "  " + clean + "\n";
  std::string out;
  bool first = true;
  for (const auto& line : wrap_text(clean, style.width - 4)) {
    out.append(first ? "  " : "    ").append(line).push_back('\n');
    first = false;
  }
  return out;
}

// A role list as "tpm, pm"; "" for none.
std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out.append(out.empty() ? "" : ", ").append(r);
  return out;
}

std::string fit_name(std::string_view fit) {
  if (fit == "tpm") return "TPM (Technical Program Manager)";
  if (fit == "pm") return "PM (Product Manager)";
  if (fit == "either") return "either role";
  return std::string(fit);
}

std::string reading_name(const why_reading& r) {
  std::string out = r.intent;
  if (!r.roles.empty()) out.append(" (").append(join_roles(r.roles)).append(")");
  return out;
}

// Two decimals, trailing zeros dropped ("0.61", "0.5", "1").
std::string score_text(double d) {
  const long long hundredths = std::llround(std::clamp(d, -1e9, 1e9) * 100);
  std::string out = hundredths < 0 ? "-" : "";
  const long long m = hundredths < 0 ? -hundredths : hundredths;
  out += std::to_string(m / 100);
  if (m % 100 != 0) {
    out += '.';
    out += static_cast<char>('0' + (m % 100) / 10);
    if (m % 10 != 0) out += static_cast<char>('0' + m % 10);
  }
  return out;
}

// Shrinks the widest columns, one position at a time, until the total fits.
std::vector<std::size_t> fit_columns(std::vector<std::size_t> widths, std::size_t available) {
  std::vector<std::size_t> floor(widths.size());
  for (std::size_t i = 0; i < widths.size(); ++i) floor[i] = std::min(widths[i], min_column_width);
  std::size_t total = std::accumulate(widths.begin(), widths.end(), std::size_t{0});
  while (total > available) {
    std::size_t widest = widths.size();
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (widths[i] > floor[i] && (widest == widths.size() || widths[i] > widths[widest])) widest = i;
    }
    if (widest == widths.size()) break;  // every column at its floor: overflow
    --widths[widest];
    --total;
  }
  return widths;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(static_cast<unsigned char>(c)); }));
}

std::vector<std::string> wrap_text(std::string_view text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> out;
  while (true) {
    const std::size_t nl = text.find('\n');
    wrap_paragraph(text.substr(0, nl), width, out);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string render_table(const text_table& t, const render_style& style) {
  std::size_t n = t.columns.size();
  for (const auto& row : t.rows) n = std::max(n, row.size());
  if (n == 0) return {};

  // All rows, header first, padded to n cells and cleaned.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(t.rows.size() + 1);
  const auto add_row = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> r(n);
    for (std::size_t i = 0; i < cells.size(); ++i) r[i] = sanitize(cells[i]);
    rows.push_back(std::move(r));
  };
  add_row(t.columns);
  for (const auto& row : t.rows) add_row(row);

  std::vector<std::size_t> widths(n, 1);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& line : wrap_text(r[i], static_cast<std::size_t>(-1))) {
        widths[i] = std::max(widths[i], display_width(line));
      }
    }
  }
  const std::size_t gaps = column_gap * (n - 1);
  widths = fit_columns(std::move(widths), style.width > gaps + n ? style.width - gaps : n);

  // Each row as its wrapped lines per cell.
  std::vector<std::vector<std::vector<std::string>>> cells(rows.size());
  bool multi_line = false;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      cells[r].push_back(wrap_text(rows[r][i], widths[i]));
      if (r > 0 && cells[r].back().size() > 1) multi_line = true;
    }
  }

  std::string rule;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) rule += "-+-";
    rule.append(widths[i], '-');
  }
  rule = paint(rule, dim_sgr, style) + "\n";
  const std::string bar = paint("|", dim_sgr, style);

  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r == 1 || (r > 1 && multi_line)) out += rule;
    std::size_t height = 0;
    for (const auto& c : cells[r]) height = std::max(height, c.size());
    for (std::size_t l = 0; l < height; ++l) {
      std::string line;
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) line += " " + bar + " ";
        const std::string text = l < cells[r][i].size() ? cells[r][i][l] : std::string();
        const std::string padded = i + 1 < n ? pad_to(text, widths[i]) : text;
        line += r == 0 ? paint(padded, bold_sgr, style) : padded;
      }
      trim_right(line);
      out += line + "\n";
    }
  }
  return out;
}

std::string render_welcome(const welcome_message& m, const render_style& style) {
  return render_text(m.text, style) + render_suggestions(m.suggestions, style) + "\n";
}

std::string render_advice(const advice_block& a, const render_style& style) {
  std::string out = paint("Fit: " + sanitize(fit_name(a.fit)), bold_sgr, style) + "\n";
  for (const auto& r : a.reasons) {
    std::string line = "\"" + r.said + "\" \xE2\x86\x92 " + r.points_to;
    if (!r.because.empty()) line.append(": ").append(r.because);
    if (!r.section.empty()) line.append(" [").append(r.section).append("]");
    out += block_line(line, style);
  }
  return out;
}

std::string render_why(const why_block& w, const render_style& style) {
  std::string out = paint("Why this answer:", dim_sgr, style) + "\n";
  out += block_line("read as: " + w.normalized, style);
  if (!w.corrections.empty()) {
    std::string fixes;
    for (const auto& [from, to] : w.corrections) {
      fixes.append(fixes.empty() ? "" : ", ").append(from + " \xE2\x86\x92 " + to);
    }
    out += block_line("corrected: " + fixes, style);
  }
  std::string rule = "rule: " + (w.rule.empty() ? std::string("none") : w.rule);
  if (!w.file.empty()) {
    rule.append(" (").append(w.file);
    if (w.line > 0) rule.append(":").append(std::to_string(w.line));
    rule.append(")");
  }
  out += block_line(rule, style);
  if (!w.matched.empty()) out += block_line("matched: \"" + w.matched + "\"", style);
  if (w.context) out += block_line("context: " + reading_name(*w.context), style);
  for (const auto& r : w.runner_up) {
    std::string line = "runner-up: " + reading_name(r) + ", score " + score_text(r.score);
    if (!r.rule.empty()) line.append(", rule ").append(r.rule);
    if (!r.lost.empty()) line.append(": ").append(r.lost);
    out += block_line(line, style);
  }
  return out;
}

std::string render_reply(const reply_message& m, const render_style& style) {
  std::string out = render_text(m.text, style);
  if (m.table) out += render_table(*m.table, style);
  if (m.advice) out += render_advice(*m.advice, style);
  for (const auto& section : m.sources) out += paint("Source: " + sanitize(section), dim_sgr, style) + "\n";
  if (m.why) out += render_why(*m.why, style);
  out += render_suggestions(m.suggestions, style, m.clarify ? "Which did you mean? (type its number)" : "Suggestions:");
  out += "\n";
  return out;
}

std::string render_reset_ok(const render_style& style) { return paint("Conversation reset.", dim_sgr, style) + "\n\n"; }

std::string render_error(const error_message& m, const render_style& style) {
  return paint("error " + sanitize(m.code) + ":", error_sgr, style) + " " + sanitize(m.message) + "\n";
}

std::string describe_close(std::uint16_t code, std::string_view reason) {
  std::string_view name;
  switch (code) {
    case 1000: name = "normal closure"; break;
    case 1001: name = "going away"; break;
    case 1002: name = "protocol error"; break;
    case 1003: name = "unsupported data"; break;
    case 1005: name = "no status code"; break;
    case 1006: name = "abnormal closure"; break;
    case 1007: name = "invalid frame payload data"; break;
    case 1008: name = "policy violation"; break;
    case 1009: name = "message too big"; break;
    case 1010: name = "mandatory extension"; break;
    case 1011: name = "internal server error"; break;
    case 1012: name = "service restart"; break;
    case 1013: name = "try again later"; break;
    default: break;
  }
  std::string out = std::to_string(code);
  if (!name.empty()) out.append(" (").append(name).append(")");
  if (!reason.empty()) out.append(": ").append(sanitize(reason));
  return out;
}

}  // namespace advisor::client
