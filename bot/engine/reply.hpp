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

  bool operator==(const reply_table&) const = default;
};

// The parts of a topical reply that come unchanged from the knowledge base
// (text, sources, table), and the same parts written as JSON once, when the
// brain is loaded. A reply composed from them points here, and
// protocol::reply_frame splices the JSON of every part the reply still holds
// unchanged (a part changed after composing, an answer deepened say, no
// longer equals its original and is written afresh). Owned by the brain:
// valid while the brain that composed the reply lives.
struct reply_json_parts {
  std::string text;
  std::vector<std::string> sources;
  std::optional<reply_table> table;
  std::string text_json;     // "..."
  std::string sources_json;  // [{"section":"..."},...]
  std::string table_json;    // {"columns":[...],"rows":[[...],...]}; empty without a table
};

// Advice (protocol 1.1 `advice`): which role the article's statements point
// a person to, from what they said about themselves.
struct advice_reason {
  std::string said;       // the person's own words the reason is about
  std::string points_to;  // "tpm", "pm" or "neither"
  std::string because;    // condensed from the article; for "neither" that the article is silent
  std::string section;    // article heading; empty for "neither"
};

struct reply_advice {
  std::string fit;  // "tpm", "pm" or "either"
  std::vector<advice_reason> reasons;
};

// Why this answer (protocol 1.1 `why`, sent only when a message asks
// `"explain": true`).
struct why_correction {
  std::string from;
  std::string to;
};

struct why_reading {
  std::string intent;
  role_set roles;
  double score = 0.0;
  std::string rule;
  std::string lost;  // why it lost, in words ("lower weight", ...)
};

struct reply_why {
  std::string normalized;                   // the text the rules matched
  std::vector<why_correction> corrections;  // spelling corrections made
  std::string rule;                         // the rule that fired ("" if none)
  std::string file;                         // its rules file
  int line = 0;                             // its line there (0 if unknown)
  std::string matched;                      // the span of the text it matched
  std::optional<why_reading> context;       // the previous topical turn used (intent, roles)
  std::vector<why_reading> runner_up;       // up to three, best first
};

struct reply {
  std::string text;                         // plain text, no markup
  std::string intent;                       // an intent name of intents.md
  role_set roles;                           // empty for meta intents
  double confidence = 0.0;                  // in [0, 1]
  std::vector<std::string> sources;         // article section headings
  std::vector<std::string> suggestions;     // at most 5
  std::optional<reply_table> table;         // side-by-side answers
  std::string rule;                         // id of the rule that fired ("" if none)
  std::optional<reply_advice> advice;       // protocol 1.1: choosing_role with known traits
  bool clarify = false;                     // protocol 1.1: asks which of two readings was meant
  std::optional<reply_why> why;             // protocol 1.1: only when asked to explain
  const reply_json_parts* parts = nullptr;  // where text, sources and table came from, as JSON (or none)
};

}  // namespace advisor
