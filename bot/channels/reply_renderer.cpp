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
  if (!r.sources.empty()) out += concat({"\n\n*Source: ", sources_line(r), "*"});
  if (!r.suggestions.empty()) {
    out += "\n\n**Try asking:**";
    for (const auto& s : r.suggestions) out += concat({"\n- ", s});
  }
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
  if (!r.sources.empty()) {
    blocks.push_back(
        json::object{{"type", "context"},
                     {"elements", json::array{mrkdwn(concat({"_Source: ", slack_escape(sources_line(r)), "_"}))}}});
  }
  if (!r.suggestions.empty()) {
    std::string s = "*Try asking:*";
    for (const auto& q : r.suggestions) s += concat({"\n\xE2\x80\xA2 ", slack_escape(q)});
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
  }
  std::string sources;
  if (!r.sources.empty()) sources = concat({"\n\n*Source: ", sources_line(r), "*"});
  std::string suggestions;
  if (!r.suggestions.empty()) {
    suggestions = "\n\n**Try asking:**";
    for (const auto& s : r.suggestions) suggestions += concat({"\n- ", s});
  }
  // The text always; then each optional part while it fits.
  std::string out = r.text;
  const auto fits = [&](const std::string& extra) {
    return protocol::count_code_points(out) + protocol::count_code_points(extra) <= limit;
  };
  if (!table.empty() && fits(concat({"\n", table}))) out += concat({"\n", table});
  if (!sources.empty() && fits(sources)) out += sources;
  if (!suggestions.empty() && fits(suggestions)) out += suggestions;
  return truncate_code_points(out, limit);
}

}  // namespace advisor::channels
