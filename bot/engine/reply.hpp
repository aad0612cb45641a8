#pragma once
// A reply is what the advisor says to one utterance, independent of any wire
// format: channels render it (protocol JSON, Slack blocks, markdown, ...).

#include <optional>
#include <string>
#include <vector>

#include "bot/engine/role.hpp"

namespace advisor {

// A side-by-side table: the first column names the aspect, then one column
// per role covered.
struct reply_table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct reply {
  std::string text;                      // plain text, no markup
  std::string intent;                    // an intent name of intents.md
  role_set roles;                        // empty for meta intents
  double confidence = 0.0;               // in [0, 1]
  std::vector<std::string> sources;      // article section headings
  std::vector<std::string> suggestions;  // at most 5
  std::optional<reply_table> table;      // side-by-side answers
  std::string rule;                      // id of the rule that fired ("" if none)
};

}  // namespace advisor
