#pragma once
// A conversation is the per-conversation context the advisor keeps between
// turns: the last topical intent and the roles it covered. It is a small
// value (a few bytes), cheap to copy, store and serialise.
//
// Thread safety: none; each conversation belongs to one session at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/engine/role.hpp"

namespace advisor {

class conversation {
 public:
  // Forget everything (the protocol's `reset`).
  void reset() { *this = conversation(); }

  bool has_topic() const { return last_intent_ >= 0; }
  // Index of the last topical intent in the brain's intent table, or -1.
  int last_intent() const { return last_intent_; }
  role_set last_roles() const { return last_roles_; }
  std::uint32_t turns() const { return turns_; }

  // Called by the brain after each answered turn.
  void record_topical(int intent, role_set roles) {
    last_intent_ = intent;
    last_roles_ = roles;
    ++turns_;
  }
  void record_meta() { ++turns_; }

  // A compact text form ("v1:<intent>:<roles>:<turns>") for session stores.
  std::string serialize() const;
  // Parses serialize()'s form; nullopt when malformed.
  static std::optional<conversation> deserialize(std::string_view s);

 private:
  int last_intent_ = -1;
  role_set last_roles_;
  std::uint32_t turns_ = 0;
};

}  // namespace advisor
