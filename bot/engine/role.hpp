#pragma once
// A role is one of the two jobs the advisor knows; a role_set is a set of them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace advisor {

enum class role : std::uint8_t { tpm = 1, pm = 2 };

// A role_set is a small value set of roles (a bit mask). Thread safety: a
// plain value.
class role_set {
 public:
  constexpr role_set() = default;
  constexpr explicit role_set(std::uint8_t bits) : bits_(bits & 3u) {}
  static constexpr role_set none() { return role_set(0); }
  static constexpr role_set both() { return role_set(3); }
  static constexpr role_set of(role r) { return role_set(static_cast<std::uint8_t>(r)); }

  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool is_both() const { return bits_ == 3; }
  constexpr bool has(role r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
  constexpr int count() const { return (bits_ & 1) + ((bits_ >> 1) & 1); }
  constexpr std::uint8_t bits() const { return bits_; }
  // The other role(s): {tpm} -> {pm}, {pm} -> {tpm}; both and none stay as they are.
  constexpr role_set other() const { return count() == 1 ? role_set(bits_ ^ 3u) : *this; }

  constexpr role_set operator|(role_set o) const { return role_set(bits_ | o.bits_); }
  constexpr bool operator==(const role_set&) const = default;

  // Names in protocol order ("tpm" before "pm").
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    if (has(role::tpm)) out.emplace_back("tpm");
    if (has(role::pm)) out.emplace_back("pm");
    return out;
  }

 private:
  std::uint8_t bits_ = 0;
};

// "tpm" -> tpm, "pm" -> pm; anything else -> none.
inline role_set role_from_name(std::string_view name) {
  if (name == "tpm") return role_set::of(role::tpm);
  if (name == "pm") return role_set::of(role::pm);
  return role_set::none();
}

}  // namespace advisor
