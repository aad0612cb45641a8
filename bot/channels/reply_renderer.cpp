#include "bot/channels/reply_renderer.hpp"

#include <boost/json.hpp>

#include "bot/channels/concat.hpp"
#include "bot/protocol/utf8_text.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

// A table cell on one line, with '|' escaped for GFM tables.
std::string cell(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string sources_line(const reply& r) {
  std::string out;
  for (const auto& s : r.sources) {
    if (!out.empty()) out += "; ";
    out += s;
  }
  return out;
}

constexpr std::string_view arrow = "\xE2\x86\x92";  // →

// "TPM (Technical Program Manager)", "PM (Product Manager)", "either role".
std::string_view fit_name(std::string_view fit) {
  if (fit == "tpm") return "TPM (Technical Program Manager)";
  if (fit == "pm") return "PM (Product Manager)";
  if (fit == "either") return "either role";
  return fit;
}

// The heading over a clarify reply's readings.
constexpr std::string_view choices_heading = "Which did you mean?";

// Markdown (Mattermost, Teams, Discord): a bold fit line, then one bullet
// per reason: "I love coding" → **tpm**: because _(Section)_.
std::string markdown_advice(const reply_advice& a) {
  std::string out = concat({"**Fit: ", fit_name(a.fit), "**"});
  for (const auto& reason : a.reasons) {
    out += concat({"\n- \"", reason.said, "\" ", arrow, " **", reason.points_to, "**"});
    if (!reason.because.empty()) out += concat({": ", reason.because});
    if (!reason.section.empty() && reason.points_to != "neither") out += concat({" _(", reason.section, ")_"});
  }
  return out;
}

// The suggestions: "Try asking" bullets, or for a clarify reply the readings
// as a numbered list under choices_heading.
std::string markdown_suggestions(const reply& r) {
  if (r.suggestions.empty()) return {};
  std::string out = concat({"**", r.clarify ? choices_heading : "Try asking:", "**"});
  for (std::size_t i = 0; i < r.suggestions.size(); ++i) {
    out +=
        r.clarify ? concat({"\n", std::to_string(i + 1), ". ", r.suggestions[i]}) : concat({"\n- ", r.suggestions[i]});
  }
  return out;
}

json::object mrkdwn(std::string text) {
  return {{"type", "mrkdwn"}, {"text", truncate_code_points(text, slack_text_limit)}};
}

}  // namespace

std::string truncate_code_points(std::string_view s, std::size_t max) {
  if (protocol::count_code_points(s) <= max) return std::string(s);
  if (max == 0) return {};
  std::size_t keep = max - 1;  // room for the ellipsis
  std::size_t i = 0;
  while (i < s.size() && keep > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --keep;
  }
  std::string out(s.substr(0, i));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  out += "\xE2\x80\xA6";
  return out;
}

std::string slack_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string render_markdown(const reply& r) {
  std::string out = r.text;
  if (r.table && !r.table->columns.empty()) {
    const auto& t = *r.table;
    out += "\n\n|";
    for (const auto& c : t.columns) out += concat({" ", cell(c), " |"});
    out += "\n|";
    for (std::size_t i = 0; i < t.columns.size(); ++i) out += "---|";
    for (const auto& row : t.rows) {
      out += "\n|";
      for (std::size_t i = 0; i < t.columns.size(); ++i) out += concat({" ", cell(i < row.size() ? row[i] : ""), " |"});
    }
  }
  if (r.advice) out += concat({"\n\n", markdown_advice(*r.advice)});
  if (!r.sources.empty()) out += concat({"\n\n*Source: ", sources_line(r), "*"});
  if (!r.suggestions.empty()) out += concat({"\n\n", markdown_suggestions(r)});
  return out;
}

boost::json::array render_slack_blocks(const reply& r) {
  json::array blocks;
  blocks.push_back(json::object{{"type", "section"}, {"text", mrkdwn(slack_escape(r.text))}});
  if (r.table && r.table->columns.size() >= 2) {
    const auto& t = *r.table;
    // Slack has no table element: one section per row, the aspect as its
    // text and one field per role column (at most 10 fields, 45 rows).
    std::size_t n = 0;
    for (const auto& row : t.rows) {
      if (++n > 45 || row.empty()) break;
      json::array fields;
      for (std::size_t i = 1; i < t.columns.size() && i < row.size() && i <= 10; ++i) {
        fields.push_back(json::object{
            {"type", "mrkdwn"},
            {"text",
             truncate_code_points(concat({"*", slack_escape(t.columns[i]), "*\n", slack_escape(row[i])}), 2000)}});
      }
      json::object section{{"type", "section"}, {"text", mrkdwn(concat({"*", slack_escape(row[0]), "*"}))}};
      if (!fields.empty()) section["fields"] = std::move(fields);
      blocks.push_back(std::move(section));
    }
  }
  if (r.advice) {
    const auto& a = *r.advice;
    std::string s = concat({"*Fit: ", slack_escape(fit_name(a.fit)), "*"});
    for (const auto& reason : a.reasons) {
      s += concat(
          {"\n\xE2\x80\xA2 \"", slack_escape(reason.said), "\" ", arrow, " *", slack_escape(reason.points_to), "*"});
      if (!reason.because.empty()) s += concat({": ", slack_escape(reason.because)});
      if (!reason.section.empty() && reason.points_to != "neither")
        s += concat({" _(", slack_escape(reason.section), ")_"});
    }
    blocks.push_back(json::object{{"type", "section"}, {"text", mrkdwn(s)}});
  }
  if (!r.sources.empty()) {
    blocks.push_back(
        json::object{{"type", "context"},
                     {"elements", json::array{mrkdwn(concat({"_Source: ", slack_escape(sources_line(r)), "_"}))}}});
  }
  if (!r.suggestions.empty()) {
    std::string s = r.clarify ? concat({"*", choices_heading, "*"}) : std::string("*Try asking:*");
    for (std::size_t i = 0; i < r.suggestions.size(); ++i) {
      s += r.clarify ? concat({"\n", std::to_string(i + 1), ". ", slack_escape(r.suggestions[i])})
                     : concat({"\n\xE2\x80\xA2 ", slack_escape(r.suggestions[i])});
    }
    blocks.push_back(json::object{{"type", "section"}, {"text", mrkdwn(s)}});
  }
  return blocks;
}

std::string render_slack_text(const reply& r) { return truncate_code_points(r.text, slack_text_limit); }

std::string render_discord(const reply& r, std::size_t limit) {
  std::string table;
  if (r.table && r.table->columns.size() >= 2) {
    const auto& t = *r.table;
    for (const auto& row : t.rows) {
      if (row.empty()) continue;
      table += concat({"\n**", row[0], "**"});
      for (std::size_t i = 1; i < t.columns.size() && i < row.size(); ++i) {
        table += concat({"\n- ", t.columns[i], ": ", row[i]});
      }
    }
    if (!table.empty()) table = concat({"\n", table});
  }
  // The optional parts in the order they are shown.
  enum part { advice_part, table_part, sources_part, suggestions_part, parts };
  std::string text[parts];
  if (r.advice) text[advice_part] = concat({"\n\n", markdown_advice(*r.advice)});
  text[table_part] = std::move(table);
  if (!r.sources.empty()) text[sources_part] = concat({"\n\n*Source: ", sources_line(r), "*"});
  if (!r.suggestions.empty()) text[suggestions_part] = concat({"\n\n", markdown_suggestions(r)});
  // The text always; then each optional part while it fits, most needed
  // first: a clarify reply's readings (they are its answer), the advice,
  // the table, the sources, the suggestions.
  const part priority[] = {r.clarify ? suggestions_part : advice_part, r.clarify ? advice_part : table_part,
                           r.clarify ? table_part : sources_part, r.clarify ? sources_part : suggestions_part};
  bool keep[parts] = {};
  std::size_t used = protocol::count_code_points(r.text);
  for (const part p : priority) {
    const std::size_t n = protocol::count_code_points(text[p]);
    if (n > 0 && used + n <= limit) {
      keep[p] = true;
      used += n;
    }
  }
  std::string out = r.text;
  for (int p = 0; p < parts; ++p) {
    if (keep[p]) out += text[p];
  }
  return truncate_code_points(out, limit);
}

}  // namespace advisor::channels
