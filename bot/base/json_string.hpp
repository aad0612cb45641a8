#pragma once
// The one JSON string escaper: appends s to out as a JSON string, quotes
// included, byte for byte as Boost.JSON's serializer writes it (the quote,
// the backslash, and control characters as \b \t \n \f \r or else \u00xx
// in lower-case hex; all other bytes, UTF-8 included, as they are). Used by
// the reply frames, the JSON log lines and the engine, which writes the
// fixed parts of its replies as JSON once, at load (bot/engine/reply.hpp,
// reply_json_parts). In bot/base so that every layer may use it.
//
// Thread safety: a pure function.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace advisor {

namespace json_string_detail {

// True when one of the 8 bytes of w needs an escape: below 0x20, '"' or
// '\\' (the "has less" and "has zero byte" word tricks; exact as a yes or
// no for the whole word).
inline bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  const std::uint64_t quote = w ^ (ones * '"');
  const std::uint64_t backslash = w ^ (ones * '\\');
  return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & high;
}

}  // namespace json_string_detail

inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  std::size_t i = 0;
  while (i < s.size()) {
    // Skip 8 plain bytes at a time: reply texts rarely need an escape.
    if (s.size() - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, sizeof w);
      if (!json_string_detail::needs_escape(w)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - 1 - run);
    run = i;
    out.push_back('\\');
    switch (c) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\t':
        out.push_back('t');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\r':
        out.push_back('r');
        break;
      default:
        out.append("u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

}  // namespace advisor
