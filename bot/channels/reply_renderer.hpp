#pragma once
// Renders an engine reply in each platform's own format, from its structured
// fields (text, table, advice, sources, suggestions, clarify):
//   markdown   Mattermost and Teams: paragraphs, comparisons as a GFM
//              table, "Source:" line, a "Try asking" list
//   Slack      Block Kit blocks with mrkdwn (tables become one section per
//              row with a field per role) plus a plain-text fallback
//   Discord    markdown content of at most discord_content_limit code points
//              (tables as a list; optional parts dropped before the text is
//              shortened)
// Advice (protocol 1.1) follows the table: a bold "Fit: TPM (Technical
// Program Manager)" line ("PM (Product Manager)", "either role"), then one
// bullet per reason: "what they said" → *tpm*: the article's reason (Section).
// A clarify reply's suggestions are its readings: a numbered list under
// "Which did you mean?" instead of "Try asking".
//
// Thread safety: free functions over values; safe from any thread.

#include <boost/json/array.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "bot/engine/reply.hpp"

namespace advisor::channels {

// Discord's message content limit.
inline constexpr std::size_t discord_content_limit = 2000;
// Slack's limit for one text object in a block.
inline constexpr std::size_t slack_text_limit = 3000;

std::string render_markdown(const reply& r);

boost::json::array render_slack_blocks(const reply& r);
// Plain text for notifications and clients without blocks.
std::string render_slack_text(const reply& r);

std::string render_discord(const reply& r, std::size_t limit = discord_content_limit);

// s cut to at most max code points (never inside a UTF-8 sequence), ending
// with "…" when cut.
std::string truncate_code_points(std::string_view s, std::size_t max);

// Slack mrkdwn escaping: &, < and > as entities.
std::string slack_escape(std::string_view s);

}  // namespace advisor::channels
