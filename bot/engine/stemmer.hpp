#pragma once
// A light, deterministic English stemmer for plurals. It is applied alike to
// the rules' words and to what users type, so it only needs to be
// consistent, not linguistically exact.

#include <string>
#include <string_view>

namespace advisor {

// "responsibilities" -> "responsibility", "managers" -> "manager",
// "processes" -> "processe"; words shorter than 4 letters and words ending in
// "ss", "us", "is" or "'s" forms are left alone ("focus", "analysis").
inline std::string stem(std::string_view w) {
  std::string s(w);
  const std::size_t n = s.size();
  if (n < 4 || s.back() != 's') return s;
  if (n >= 5 && s.compare(n - 3, 3, "ies") == 0) {
    s.replace(n - 3, 3, "y");
    return s;
  }
  const char prev = s[n - 2];
  if (prev == 's' || prev == 'u' || prev == 'i' || prev == '\'') return s;
  s.pop_back();
  return s;
}

}  // namespace advisor
