#include "bot/engine/conversation.hpp"

#include <charconv>

namespace advisor {

std::string conversation::serialize() const {
  return "v1:" + std::to_string(last_intent_) + ":" + std::to_string(last_roles_.bits()) + ":" +
         std::to_string(turns_);
}

std::optional<conversation> conversation::deserialize(std::string_view s) {
  if (s.substr(0, 3) != "v1:") return std::nullopt;
  s.remove_prefix(3);
  long long vals[3];
  for (int i = 0; i < 3; ++i) {
    auto colon = s.find(':');
    std::string_view part = i < 2 ? s.substr(0, colon) : s;
    if (part.empty() || (i < 2 && colon == std::string_view::npos)) return std::nullopt;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), vals[i]);
    if (ec != std::errc() || p != part.data() + part.size()) return std::nullopt;
    if (i < 2) s.remove_prefix(colon + 1);
  }
  if (vals[0] < -1 || vals[0] > 10000 || vals[1] < 0 || vals[1] > 3 || vals[2] < 0) return std::nullopt;
  conversation c;
  c.last_intent_ = static_cast<int>(vals[0]);
  c.last_roles_ = role_set(static_cast<std::uint8_t>(vals[1]));
  c.turns_ = static_cast<std::uint32_t>(vals[2]);
  return c;
}

}  // namespace advisor
