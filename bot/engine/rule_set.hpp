#pragma once
// A rule_set is the compiled, immutable set of intent rules plus the
// engine's role cues, all matched in one pass over the words of the
// normalised text (and once over its question part): patterns are trees over
// word ids, tried only when a word they need occurs, matched with sets of
// positions; raw `re:` patterns go to one small re2::RE2::Set (see
// rule_set.cpp). The cost of a message never seen before is that of one
// seen before, and it barely grows with the number of rules (only patterns
// whose rarest needed word occurs are tried).
//
// Thread safety: add_*() and compile() while loading, from one thread;
// after compile() the set is immutable and match() may run on any thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/role.hpp"

namespace advisor {

// Conditions a rule may require of the turn (rules' "when").
enum rule_condition : std::uint8_t {
  when_followup = 1,  // the conversation has an earlier topical turn
  when_start = 2,     // it has none
  when_no_role = 4,   // the text names no role
  when_role = 8,      // the text names a role
  when_context = 16,  // the text names a role or follows an earlier topical turn
};

// How a rule decides the roles of its reply (rules' "roles").
enum class role_policy : std::uint8_t {
  resolve,   // the usual resolution: named roles, cues, context (default)
  both,      // always both roles
  other,     // the role(s) not covered by the previous turn
  previous,  // exactly the previous turn's roles
  add,       // the previous turn's roles plus the named ones
};

struct rule {
  std::string id;
  std::string file;
  int line = 0;
  int intent = -1;  // index into the brain's intents; -1 = the previous topical intent
  double weight = 0.7;
  std::uint8_t when = 0;  // rule_condition bits, all required
  role_policy roles = role_policy::resolve;
  int say = -1;  // index of a meta answer that replaces the intent's text, or -1
  std::vector<int> after;  // when not empty: fires only right after a topical turn of one of these intents
  std::uint16_t all_count = 0;
  bool needs_any = false;
};

// What one match found.
struct match_result {
  std::vector<int> fired;           // rules that fired on the whole message, in rule order
  std::vector<int> vetoed;          // rules one of whose `none` patterns matched the whole message
  std::vector<int> question_fired;  // rules that fired on the question part alone (see match())
  std::uint64_t cues = 0;           // bits of the cues that matched the whole message
};

// How a match went: re2 may run out of memory for its DFA on some text, and
// that is an error to report, not "no rule matched".
enum class match_status : std::uint8_t { ok, out_of_memory };

class rule_set {
 public:
  rule_set();
  ~rule_set();
  rule_set(rule_set&&) noexcept;
  rule_set& operator=(rule_set&&) noexcept;

  // Adds a rule with its patterns (RE2 syntax, from pattern_compiler; a
  // pattern must not match a line break). Returns false and sets error
  // when re2 rejects a pattern.
  bool add_rule(rule r, const std::vector<std::string>& all, const std::vector<std::string>& any,
                const std::vector<std::string>& none, std::string& error);
  // Adds an engine cue (e.g. "both roles"); returns its bit (0..max_cues-1) or -1.
  // With bit >= 0 (one add_cue returned), adds another pattern to that cue.
  int add_cue(const std::string& regex, std::string& error, int bit = -1);
  static constexpr int max_cues = 64;  // match_result::cues has a bit for each
  // Compiles the set; false (with error) when re2 runs out of memory.
  bool compile(std::string& error);
  // re2's memory budget for the raw `re:` patterns (one RE2::Set); before
  // any pattern is added (see engine_options in brain.hpp).
  void set_re2_max_mem(std::size_t bytes);

  // Matches the normalised text of a message, and, when question is not
  // empty, its question part (lower case too, a line of its own: `^`, `$`
  // and gaps never cross from one to the other). Fills out with the
  // rules whose patterns all hold and whose conditions hold for the turn.
  // Precondition: compile() succeeded.
  match_status match(std::string_view text, std::string_view question, bool has_topic, role_set named,
                     match_result& out) const;
  // match() in two steps. find(): the patterns that match text and question
  // (appended to hits; the same text always gives the same hits, so a
  // caller may keep them for a text seen again). tally(): from those hits,
  // the rules that fired for this turn.
  match_status find(std::string_view text, std::string_view question, std::vector<int>& hits) const;
  void tally(const std::vector<int>& hits, bool has_topic, role_set named, match_result& out) const;

  // The RE2 expressions of a rule's patterns, for explanations.
  struct rule_patterns {
    std::vector<std::string> all, any, none;
  };
  const rule_patterns& patterns_of(int rule) const { return patterns_[static_cast<std::size_t>(rule)]; }

  const std::vector<rule>& rules() const { return rules_; }
  std::size_t pattern_count() const { return refs_.size(); }

 private:
  enum class part : std::uint8_t { all, any, none, cue };
  struct pattern_ref {
    std::uint32_t index;  // rule index, or cue bit
    part kind;
    bool question;  // matches the question part (else the whole message)
  };
  bool add_pattern(const std::string& regex, pattern_ref ref, std::string& error);

  std::vector<rule> rules_;
  std::vector<rule_patterns> patterns_;
  std::vector<pattern_ref> refs_;
  struct matcher;  // the word trees and the re2::RE2::Set (kept out of this header)
  std::unique_ptr<matcher> set_;
  int cues_ = 0;
};

}  // namespace advisor
