#pragma once
// Small string helpers for protocol text (HTTP header values, media types,
// tokens): ASCII case folding and optional-white-space trimming. One copy
// for the whole code base. Unicode-aware trimming of user text lives in
// bot/protocol/utf8_text.hpp.
//
// Thread safety: pure functions.

#include <cstddef>
#include <string_view>

namespace advisor {

// c with A-Z folded to a-z; every other byte unchanged.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// True when a and b are equal ignoring ASCII case.
constexpr bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// True when s starts with prefix, ignoring ASCII case.
constexpr bool starts_with_ascii_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals_ascii(s.substr(0, prefix.size()), prefix);
}

// s without leading and trailing spaces and tabs (HTTP's optional white space).
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace advisor
