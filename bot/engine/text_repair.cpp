#include "bot/engine/text_repair.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace advisor {
namespace {

// One UTF-8 character: its code point and length in bytes (0: not valid
// UTF-8 at that position).
struct utf8_char {
  char32_t cp = 0;
  std::size_t len = 0;
};

// The valid, shortest-form UTF-8 character starting at in[i].
utf8_char decode_utf8(std::string_view in, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return {c, 1};
  std::size_t len = 0;
  char32_t cp = 0, least = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1Fu, least = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0Fu, least = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07u, least = 0x10000;
  } else {
    return {};
  }
  if (i + len > in.size()) return {};
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return {};
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Windows-1252's characters for the bytes 0x80..0x9F (0: undefined there).
constexpr std::array<char32_t, 32> cp1252_high = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The byte (0x80..0xFF) that Windows-1252, or Latin-1 for the C1 controls
// of its undefined bytes, shows as cp; -1 when none does.
int cp1252_byte(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  if (cp < 0x100) return -1;
  for (std::size_t k = 0; k < cp1252_high.size(); ++k)
    if (cp1252_high[k] == cp) return static_cast<int>(0x80 + k);
  return -1;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
bool is_white(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A decoded control character other than a tab or a line break is a space.
char32_t printable(char32_t cp) { return cp < 0x20 && cp != '\t' && cp != '\n' ? U' ' : cp; }

// Named entities: the text they stand for. Spaces are plain spaces (so a
// sentence still ends at ". "), everything else the character itself.
struct named_entity {
  std::string_view name, text;
};
constexpr named_entity named_entities[] = {
    {"amp", "&"},         {"lt", "<"},          {"gt", ">"},          {"quot", "\""},       {"apos", "'"},
    {"nbsp", " "},        {"ensp", " "},        {"emsp", " "},        {"thinsp", " "},      {"shy", ""},
    {"zwj", ""},          {"zwnj", ""},         {"rsquo", "\u2019"},  {"lsquo", "\u2018"},  {"sbquo", "\u201A"},
    {"ldquo", "\u201C"},  {"rdquo", "\u201D"},  {"bdquo", "\u201E"},  {"laquo", "\u00AB"},  {"raquo", "\u00BB"},
    {"lsaquo", "\u2039"}, {"rsaquo", "\u203A"}, {"prime", "\u2032"},  {"hellip", "\u2026"}, {"mdash", "\u2014"},
    {"ndash", "\u2013"},  {"minus", "\u2212"},  {"bull", "\u2022"},   {"middot", "\u00B7"}, {"times", "\u00D7"},
    {"divide", "\u00F7"}, {"copy", "\u00A9"},   {"reg", "\u00AE"},    {"trade", "\u2122"},  {"deg", "\u00B0"},
    {"euro", "\u20AC"},   {"pound", "\u00A3"},  {"cent", "\u00A2"},   {"yen", "\u00A5"},    {"sect", "\u00A7"},
    {"para", "\u00B6"},   {"iexcl", "\u00A1"},  {"iquest", "\u00BF"}, {"rarr", "\u2192"},   {"larr", "\u2190"},
    {"harr", "\u2194"},   {"rArr", "\u21D2"},   {"hearts", "\u2665"}, {"check", "\u2713"},  {"szlig", "\u00DF"},
    {"aelig", "\u00E6"},  {"AElig", "\u00C6"},  {"oelig", "\u0153"},  {"OElig", "\u0152"},  {"eth", "\u00F0"},
    {"thorn", "\u00FE"}};

// "&eacute;", "&Uuml;", "&ccedil;": a letter and its accent's name stand for
// the accented letter; the plain letter is what the normalizer keeps of it.
constexpr std::string_view accent_names[] = {"acute", "grave", "circ", "uml",  "tilde", "ring",  "cedil",
                                             "slash", "caron", "macr", "ogon", "dblac", "breve", "dot"};

// The entity at in[i] ('&'): appends what it stands for and returns its
// length, or returns 0 (not an entity this decodes).
std::size_t decode_entity(std::string_view in, std::size_t i, std::string& out) {
  constexpr std::size_t longest = 10;  // of a name or a number's digits
  const std::size_t found = in.substr(i + 1, longest + 2).find(';');
  if (found == std::string_view::npos || found == 0) return 0;
  const std::size_t semi = i + 1 + found;
  const std::string_view body = in.substr(i + 1, semi - i - 1);
  if (body[0] == '#') {
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return 0;
    char32_t cp = 0;
    for (char c : digits) {
      if (hex ? !is_hex(c) : !(c >= '0' && c <= '9')) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(hex_value(c));
    }
    // HTML reads &#128;..&#159; as Windows-1252 ("&#146;" is a right quote).
    if (cp >= 0x80 && cp <= 0x9F && cp1252_high[cp - 0x80] != 0) cp = cp1252_high[cp - 0x80];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    append_utf8(printable(cp), out);
    return semi - i + 1;
  }
  for (const auto& e : named_entities)
    if (e.name == body) {
      out.append(e.text);
      return semi - i + 1;
    }
  if (body.size() > 1 && is_letter(body[0]))
    for (std::string_view accent : accent_names)
      if (body.substr(1) == accent) {
        out.push_back(body[0]);
        return semi - i + 1;
      }
  return 0;
}

// Letterlike symbols that stand in the gaps of the mathematical alphabets
// (italic h is U+210E, script B U+212C, double-struck R U+211D, ...).
struct letterlike {
  char32_t cp;
  char letter;
};
constexpr letterlike letterlikes[] = {{0x2102, 'C'}, {0x210A, 'g'}, {0x210B, 'H'}, {0x210C, 'H'}, {0x210D, 'H'},
                                      {0x210E, 'h'}, {0x2110, 'I'}, {0x2111, 'I'}, {0x2112, 'L'}, {0x2113, 'l'},
                                      {0x2115, 'N'}, {0x2119, 'P'}, {0x211A, 'Q'}, {0x211B, 'R'}, {0x211C, 'R'},
                                      {0x211D, 'R'}, {0x2124, 'Z'}, {0x2128, 'Z'}, {0x212C, 'B'}, {0x212D, 'C'},
                                      {0x212F, 'e'}, {0x2130, 'E'}, {0x2131, 'F'}, {0x2133, 'M'}, {0x2134, 'o'}};

// The ASCII character a styled one stands for, or 0.
char plain_of_styled(char32_t cp) {
  if (cp >= 0x1D400 && cp <= 0x1D6A3) {  // 13 alphabets of A-Z a-z
    const unsigned k = (cp - 0x1D400) % 52;
    return static_cast<char>(k < 26 ? 'A' + k : 'a' + (k - 26));
  }
  if (cp == 0x1D6A4) return 'i';                                                            // dotless i
  if (cp == 0x1D6A5) return 'j';                                                            // dotless j
  if (cp >= 0x1D7CE && cp <= 0x1D7FF) return static_cast<char>('0' + (cp - 0x1D7CE) % 10);  // 5 sets of digits
  if (cp >= 0xFF01 && cp <= 0xFF5E) return static_cast<char>(cp - 0xFEE0);                  // fullwidth ASCII
  if (cp == 0x3000) return ' ';                                                             // ideographic space
  if (cp >= 0x2102 && cp <= 0x2134)
    for (const letterlike& l : letterlikes)
      if (l.cp == cp) return l.letter;
  return 0;
}

// Where the next character plain_of_styled() may know starts, from in[from]:
// the lead bytes of U+1D400..U+1D7FF (F0 9D), U+FF01..U+FF5E (EF BC, EF BD),
// U+2102..U+2134 (E2 84) and U+3000 (E3 80); npos when none.
std::size_t next_styled(std::string_view in, std::size_t from) {
  for (std::size_t i = from; i + 2 < in.size(); ++i) {
    // Eight ASCII bytes at a time (most text is all ASCII).
    for (std::uint64_t eight; i + 8 <= in.size(); i += 8) {
      std::memcpy(&eight, in.data() + i, 8);
      if (eight & 0x8080808080808080u) break;
    }
    if (i + 2 >= in.size()) break;
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0xE2) continue;
    const auto d = static_cast<unsigned char>(in[i + 1]);
    if ((c == 0xF0 && d == 0x9D) || (c == 0xEF && (d == 0xBC || d == 0xBD)) || (c == 0xE2 && d == 0x84) ||
        (c == 0xE3 && d == 0x80))
      return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view decode_percent(std::string_view in, std::string& out) {
  if (in.find('%') == std::string_view::npos) return in;
  out.clear();
  bool changed = false;
  for (std::size_t i = 0; i < in.size();) {
    if (is_white(in[i])) {
      out.push_back(in[i++]);
      continue;
    }
    std::size_t end = i;
    int escapes = 0;
    bool space = false;
    for (; end < in.size() && !is_white(in[end]); ++end)
      if (in[end] == '%' && end + 2 < in.size() && is_hex(in[end + 1]) && is_hex(in[end + 2])) {
        ++escapes;
        space = space || (in[end + 1] == '2' && in[end + 2] == '0');
      }
    if (escapes < 2 && !space) {
      out.append(in, i, end - i);
      i = end;
      continue;
    }
    changed = true;
    for (; i < end; ++i) {
      if (in[i] == '%' && i + 2 < end && is_hex(in[i + 1]) && is_hex(in[i + 2])) {
        out.push_back(
            static_cast<char>(printable(static_cast<char32_t>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])))));
        i += 2;
      } else {
        out.push_back(in[i] == '+' ? ' ' : in[i]);
      }
    }
  }
  return changed ? std::string_view(out) : in;
}

std::string_view decode_entities(std::string_view in, std::string& out) {
  std::size_t at = in.find('&');
  if (at == std::string_view::npos) return in;
  out.clear();
  bool changed = false;
  std::size_t copied = 0;  // in[0, copied) is in out
  for (; at != std::string_view::npos; at = in.find('&', at + 1)) {
    if (at < copied) continue;
    // The text up to here goes out once (an '&' that is no entity stays
    // in the next run): linear however many '&' there are.
    out.append(in, copied, at - copied);
    copied = at;
    if (const std::size_t len = decode_entity(in, at, out)) {
      copied = at + len;
      changed = true;
    }
  }
  if (!changed) return in;
  out.append(in, copied, std::string_view::npos);
  return out;
}

std::string_view repair_mojibake(std::string_view in, std::string& out) {
  // A mojibake sequence starts with a lead byte 0xC2..0xF4 read as a letter
  // U+00C2..U+00F4, whose own UTF-8 starts with 0xC3.
  if (in.find('\xC3') == std::string_view::npos) return in;
  out.clear();
  bool changed = false;
  for (std::size_t i = 0; i < in.size();) {
    const utf8_char c = decode_utf8(in, i);
    if (c.len == 0) {
      out.push_back(in[i++]);
      continue;
    }
    if (const int lead = cp1252_byte(c.cp); lead >= 0xC2 && lead <= 0xF4) {
      const std::size_t need = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      char bytes[4] = {static_cast<char>(lead)};
      std::size_t n = 1, j = i + c.len;
      while (n < need && j < in.size()) {
        const utf8_char d = decode_utf8(in, j);
        const int b = d.len ? cp1252_byte(d.cp) : -1;
        if (b < 0x80 || b > 0xBF) break;
        bytes[n++] = static_cast<char>(b);
        j += d.len;
      }
      if (n == need) {
        const utf8_char r = decode_utf8(std::string_view(bytes, n), 0);
        if (r.len == n && (n > 2 || r.cp <= 0x17F)) {
          out.append(bytes, n);
          i = j;
          changed = true;
          continue;
        }
      }
    }
    out.append(in, i, c.len);
    i += c.len;
  }
  return changed ? std::string_view(out) : in;
}

std::string_view plain_styled_letters(std::string_view in, std::string& out) {
  std::size_t at = next_styled(in, 0);
  if (at == std::string_view::npos) return in;
  bool changed = false;
  std::size_t copied = 0;  // in[0, copied) is in out
  for (; at != std::string_view::npos; at = next_styled(in, at)) {
    const utf8_char c = decode_utf8(in, at);
    const char plain = c.len ? plain_of_styled(c.cp) : 0;
    if (plain == 0) {
      ++at;  // the next bytes are continuation bytes, below any lead looked for
      continue;
    }
    if (!changed) out.clear();
    out.append(in, copied, at - copied).push_back(plain);
    copied = at += c.len;
    changed = true;
  }
  if (!changed) return in;
  out.append(in, copied, std::string_view::npos);
  return out;
}

std::string_view repair_text(std::string_view in, std::string& out, std::string& scratch) {
  // Each step reads the previous result and writes the buffer that does
  // not hold it.
  auto step = [&](std::string_view text, auto&& repair) {
    std::string& into = text.data() == out.data() ? scratch : out;
    return repair(text, into);
  };
  std::string_view text = in;
  text = step(text, decode_percent);
  text = step(text, decode_entities);
  if (const std::string_view once = step(text, repair_mojibake); once.data() != text.data())
    text = step(once, repair_mojibake);  // text encoded twice ("Ã¢â‚¬â„¢")
  text = step(text, plain_styled_letters);
  return text;
}

}  // namespace advisor
