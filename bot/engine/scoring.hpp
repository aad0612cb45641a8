#pragma once
// Scoring: how the rules that fired on a message become ranked intents. The
// numbers are defaults a rules file's "settings" may override (see
// rules/README.md), written here once, in the manner of leveldb's Options.
//
// Thread safety: plain values and pure functions.

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "bot/engine/rule_set.hpp"

namespace advisor {

struct scoring_options {
  double threshold = 0.5;               // a best score below this is a fallback
  double close_margin = 0.1;            // a runner-up this close is offered as the first suggestion
  double preamble_penalty = 0.1;        // taken off rules that fire only outside the question sentences
  double extra_rule_bonus = 0.02;       // added to an intent's score per further rule of it that fired
  double score_cap = 0.99;              // the bonus never lifts a score above this
  std::size_t max_candidates = 8;       // intents kept per message (at most max_candidates_limit)
  std::size_t max_suggestions = 5;      // suggestions per reply (protocol: at most 5)
  double role_only_confidence = 0.55;   // a role named and nothing else recognised
  double empty_text_confidence = 0.5;   // text without words answered by an intent other than fallback
  double clarify_margin = 0.0;          // two topical intents this close (and confidence low): ask which
  double clarify_below = 0.8;           // ... when the calibrated confidence is below this
  double role_only_below = 0.0;         // a role-only answer calibrated below this is a fallback
  double soft_min = 0.5;                // the soft stage answers at this similarity to an example or more
  double soft_margin = 0.1;             // ... and this far ahead of any other intent's

  static constexpr std::size_t max_candidates_limit = 16;
};

// One intent a message may mean.
struct candidate {
  int intent = -1;    // index into the brain's intents
  double score = 0.0; // the best rule's weight (less any penalty) plus the bonus
  int rule = -1;      // index of the best rule
  int rules = 0;      // how many rules of this intent fired
};

// The ranked candidates of one message.
struct scored_intents {
  std::array<candidate, scoring_options::max_candidates_limit> top{};
  std::size_t count = 0;  // candidates in top, best first
  double best_seen = 0.0; // the best weight of any rule that fired (a fallback's confidence)

  const candidate* best() const { return count > 0 ? &top[0] : nullptr; }
  const candidate* second() const { return count > 1 ? &top[1] : nullptr; }
};

// Ranks the intents of the rules in m: a rule counts in full when the
// message has no preamble or it fired in the question too, else it loses
// the preamble penalty; a rule with `after` counts only right after one of
// those intents; "@previous" rules count for last_intent.
scored_intents score_intents(const std::vector<rule>& rules, const match_result& m, bool focused,
                             int last_intent, const scoring_options& o);

}  // namespace advisor
