#include "bot/engine/conversation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace advisor {

namespace {

bool parse_int(std::string_view part, long long& out, int base = 10) {
  if (part.empty()) return false;
  auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out, base);
  return ec == std::errc() && p == part.data() + part.size();
}

// Splits s at sep into exactly n parts (the last takes the rest).
bool split(std::string_view s, char sep, std::size_t n, std::vector<std::string_view>& out) {
  out.clear();
  while (out.size() + 1 < n) {
    auto at = s.find(sep);
    if (at == std::string_view::npos) return false;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  out.push_back(s);
  return true;
}

bool plain_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '_' ||
         c == '-' || c == '\'' || c == '?' || c == '!' || c == '.';
}

std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (plain_char(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      if (!plain_char(static_cast<unsigned char>(s[i]))) return std::nullopt;
      out.push_back(s[i]);
      continue;
    }
    long long v = 0;
    if (i + 3 > s.size() || !parse_int(s.substr(i + 1, 2), v, 16)) return std::nullopt;
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

bool valid_trait_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool valid_intent_name(std::string_view n) { return valid_trait_id(n); }

// Cuts s to at most n bytes without splitting a UTF-8 sequence.
std::string cut(std::string s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t k = n;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  s.resize(k);
  return s;
}

}  // namespace

std::uint32_t conversation::hash_text(std::string_view text) {
  // Eight bytes per step (a reply's text is ~800 bytes and is hashed once or
  // twice per turn; byte-wise FNV-1a cost ~5k instructions per reply). Only
  // equality matters: a repeated answer. A hash stored by an older version
  // (FNV-1a) no longer equals, which costs at most one deeper answer.
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0xcbf29ce484222325ull ^ (text.size() * k);
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  for (std::size_t j = 0; i + j < text.size(); ++j) tail |= std::uint64_t{static_cast<unsigned char>(text[i + j])} << (8 * j);
  h = (h ^ tail) * k;
  h ^= h >> 32;
  const auto out = static_cast<std::uint32_t>(h);
  return out == 0 ? 1 : out;
}

void conversation::add_to_profile(profile_entry e) {
  e.said = cut(std::move(e.said), max_said);
  profile_.erase(std::remove_if(profile_.begin(), profile_.end(),
                                [&](const profile_entry& p) { return p.trait == e.trait; }),
                 profile_.end());
  profile_.push_back(std::move(e));
  if (profile_.size() > max_profile) profile_.erase(profile_.begin(), profile_.end() - max_profile);
}

std::string conversation::serialize() const {
  char hash[9];
  std::snprintf(hash, sizeof hash, "%08x", last_hash_);
  std::string out = "v2:" + (last_name_.empty() ? std::string("-") : last_name_) + ":" +
                    std::to_string(last_roles_.bits()) + ":" + std::to_string(turns_) + ":" + std::to_string(quiz_) +
                    ":" + std::to_string(depth_) + ":" + hash + ":";
  for (std::size_t i = 0; i < profile_.size(); ++i) {
    if (i) out.push_back(';');
    out += profile_[i].trait;
    out += profile_[i].liked ? ",+," : ",-,";
    out += encode(profile_[i].said);
  }
  return out;
}

std::optional<conversation> conversation::deserialize(std::string_view s) {
  std::vector<std::string_view> parts;
  if (s.substr(0, 3) == "v1:") {
    if (!split(s.substr(3), ':', 3, parts)) return std::nullopt;
    long long vals[3];
    for (int i = 0; i < 3; ++i)
      if (!parse_int(parts[static_cast<std::size_t>(i)], vals[i])) return std::nullopt;
    if (vals[0] < -1 || vals[0] > 10000 || vals[1] < 0 || vals[1] > 3 || vals[2] < 0 || vals[2] > 0xFFFFFFFFll)
      return std::nullopt;
    conversation c;
    c.last_intent_ = static_cast<int>(vals[0]);
    c.last_roles_ = role_set(static_cast<std::uint8_t>(vals[1]));
    c.turns_ = static_cast<std::uint32_t>(vals[2]);
    return c;
  }
  if (s.substr(0, 3) != "v2:") return std::nullopt;
  if (!split(s.substr(3), ':', 7, parts)) return std::nullopt;
  conversation c;
  if (parts[0] != "-") {
    if (!valid_intent_name(parts[0])) return std::nullopt;
    c.last_name_ = std::string(parts[0]);
  }
  long long roles = 0, turns = 0, quiz = 0, depth = 0, hash = 0;
  if (!parse_int(parts[1], roles) || roles < 0 || roles > 3) return std::nullopt;
  if (!parse_int(parts[2], turns) || turns < 0 || turns > 0xFFFFFFFFll) return std::nullopt;
  if (!parse_int(parts[3], quiz) || quiz < 0 || quiz > 100) return std::nullopt;
  if (!parse_int(parts[4], depth) || depth < 0 || depth > 100) return std::nullopt;
  if (parts[5].size() != 8 || !parse_int(parts[5], hash, 16)) return std::nullopt;
  c.last_roles_ = role_set(static_cast<std::uint8_t>(roles));
  c.turns_ = static_cast<std::uint32_t>(turns);
  c.quiz_ = static_cast<int>(quiz);
  c.depth_ = static_cast<int>(depth);
  c.last_hash_ = static_cast<std::uint32_t>(hash);
  std::string_view rest = parts[6];
  std::vector<std::string_view> fields;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view entry = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    if (semi != std::string_view::npos && rest.empty()) return std::nullopt;  // trailing ';'
    if (!split(entry, ',', 3, fields)) return std::nullopt;
    if (!valid_trait_id(fields[0]) || (fields[1] != "+" && fields[1] != "-")) return std::nullopt;
    auto said = decode(fields[2]);
    if (!said || said->size() > max_said) return std::nullopt;
    if (c.profile_.size() >= max_profile) return std::nullopt;
    c.profile_.push_back({std::string(fields[0]), fields[1] == "+", std::move(*said)});
  }
  return c;
}

}  // namespace advisor
