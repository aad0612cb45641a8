#include "bot/channels/form_fields.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>

namespace advisor::channels {

std::optional<form_fields> form_fields::parse(std::string_view body) {
  form_fields out;
  if (body.empty()) return out;
  // Boost.URL 1.81's parse_query reads up to a NUL (strlen, seen with ASan)
  // whatever the view's length: parse a NUL-terminated copy, as body may be
  // a view into a longer buffer (a request target's query).
  const std::string owned(body);
  const auto params = boost::urls::parse_query(owned);
  if (!params) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& p : *params) {
    std::string key = p.key.decode(opts);
    std::string value = p.has_value ? p.value.decode(opts) : std::string();
    if (!is_valid_utf8(key) || !is_valid_utf8(value)) return std::nullopt;
    out.fields_.emplace(std::move(key), std::move(value));
  }
  return out;
}

std::string_view form_fields::get(std::string_view name) const {
  const auto it = fields_.find(name);
  return it == fields_.end() ? std::string_view() : std::string_view(it->second);
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace advisor::channels
