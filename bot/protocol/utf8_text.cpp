#include "bot/protocol/utf8_text.hpp"

namespace advisor::protocol {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0u) == 0x80u; }

// Decodes the code point starting at s[i]; sets len to its byte length.
// Returns U+FFFD (never white space) for malformed sequences.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  std::size_t n = c0 < 0x80u ? 1 : (c0 >> 5) == 0x6u ? 2 : (c0 >> 4) == 0xEu ? 3 : (c0 >> 3) == 0x1Eu ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    len = 1;
    return 0xFFFD;
  }
  char32_t cp = n == 1 ? c0 : n == 2 ? (c0 & 0x1Fu) : n == 3 ? (c0 & 0x0Fu) : (c0 & 0x07u);
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(c)) {
      len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3Fu);
  }
  len = n;
  return cp;
}

}  // namespace

bool is_unicode_space(char32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0x85) return false;
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string_view trim_unicode_space(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t len = 1;
    if (!is_unicode_space(decode_at(s, begin, len))) break;
    begin += len;
  }
  std::size_t end = s.size();
  while (end > begin) {
    // Step back to the first byte of the last code point (at most 4 bytes).
    std::size_t start = end - 1;
    while (start > begin && end - start < 4 && is_continuation(static_cast<unsigned char>(s[start]))) --start;
    std::size_t len = 1;
    const char32_t cp = decode_at(s, start, len);
    if (start + len != end || !is_unicode_space(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += is_continuation(static_cast<unsigned char>(c)) ? 0 : 1;
  return n;
}

}  // namespace advisor::protocol
