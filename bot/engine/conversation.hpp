#pragma once
// A conversation is the per-conversation context the advisor keeps between
// turns: the last topical intent (by name, so a stored context survives a
// rule reload that renumbers intents) and the roles it covered, plus what
// the advice needs: the person's profile (what they said about themselves,
// bounded), where the career-fit questionnaire stands, how deep the last
// follow-up went, and a hash of the last reply text (never the same text
// twice in a row). A small value, cheap to copy, store and serialise.
//
// Thread safety: none; each conversation belongs to one session at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/role.hpp"

namespace advisor {

// One statement the person made about themselves: the trait it matched (an
// id of rules/traits.json), whether they said it in its favour (like,
// strength, background) or against it (dislike, weakness, negation), and
// their own words.
struct profile_entry {
  std::string trait;
  bool liked = true;
  std::string said;
  bool operator==(const profile_entry&) const = default;
};

class conversation {
 public:
  // The most statements a profile keeps; the oldest go first.
  static constexpr std::size_t max_profile = 16;
  // The longest `said` kept (bytes, cut at a UTF-8 boundary).
  static constexpr std::size_t max_said = 160;

  // Forget everything (the protocol's `reset`).
  void reset() { *this = conversation(); }

  bool has_topic() const { return last_intent_ >= 0 || !last_name_.empty(); }
  // Index of the last topical intent in the brain's intent table, or -1
  // (also -1 for a deserialised context until the brain resolves its name).
  int last_intent() const { return last_intent_; }
  // Name of the last topical intent ("" when none or not yet known).
  const std::string& last_intent_name() const { return last_name_; }
  role_set last_roles() const { return last_roles_; }
  std::uint32_t turns() const { return turns_; }

  // Called by the brain after each answered turn.
  void record_topical(int intent, role_set roles) {
    last_intent_ = intent;
    last_roles_ = roles;
    ++turns_;
  }
  void record_topical(int intent, std::string name, role_set roles) {
    record_topical(intent, roles);
    last_name_ = std::move(name);
  }
  void record_meta() { ++turns_; }
  // Sets the last topical intent without counting a turn (the advice step
  // relabels a turn the rules answered, or names an index's intent).
  void set_topic(int intent, std::string name, role_set roles) {
    last_intent_ = intent;
    last_name_ = std::move(name);
    last_roles_ = roles;
  }

  // Called when a turn begins: remembers the roles the turn starts from
  // (not serialised; the advice step reads them after the rules ran).
  void begin_turn() { roles_before_turn_ = last_roles_; }
  role_set roles_before_turn() const { return roles_before_turn_; }

  // The person's profile, oldest first.
  const std::vector<profile_entry>& profile() const { return profile_; }
  // Adds a statement; a statement about a trait already in the profile
  // replaces it (a correction); beyond max_profile the oldest goes.
  void add_to_profile(profile_entry e);
  void clear_profile() { profile_.clear(); }

  // The career-fit questionnaire: 0 = not in it, k = question k was asked.
  int quiz_step() const { return quiz_; }
  void set_quiz_step(int k) { quiz_ = k; }
  // How deep the last reply went on its topic (0 = the ordinary answer).
  int depth() const { return depth_; }
  void set_depth(int d) { depth_ = d; }
  // A hash of the last reply's text (0 = none).
  std::uint32_t last_text_hash() const { return last_hash_; }
  void set_last_text_hash(std::uint32_t h) { last_hash_ = h; }
  static std::uint32_t hash_text(std::string_view text);

  // A compact text form for session stores:
  //   v2:<intent name or ->:<roles>:<turns>:<quiz>:<depth>:<hash hex>:<profile>
  // where <profile> is ';'-separated <trait>,<+|->,<said percent-encoded>.
  // deserialize() also accepts the older "v1:<intent index>:<roles>:<turns>".
  std::string serialize() const;
  // Parses serialize()'s form; nullopt when malformed.
  static std::optional<conversation> deserialize(std::string_view s);

 private:
  int last_intent_ = -1;
  std::string last_name_;
  role_set last_roles_;
  std::uint32_t turns_ = 0;
  int quiz_ = 0;
  int depth_ = 0;
  std::uint32_t last_hash_ = 0;
  std::vector<profile_entry> profile_;
  role_set roles_before_turn_;
};

}  // namespace advisor
