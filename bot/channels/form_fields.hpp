#pragma once
// form_fields parses an application/x-www-form-urlencoded body (Slack and
// Mattermost slash commands) into decoded name/value pairs: '+' is a space,
// percent escapes are decoded, the first occurrence of a name wins.
//
// Thread safety: a plain value.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace advisor::channels {

class form_fields {
 public:
  // nullopt when body is not a valid form encoding or a decoded value is not
  // valid UTF-8.
  static std::optional<form_fields> parse(std::string_view body);

  // The decoded value of name, "" when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const { return fields_.find(name) != fields_.end(); }

 private:
  std::map<std::string, std::string, std::less<>> fields_;
};

// True when s is valid UTF-8 (no overlongs, surrogates or code points
// past U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace advisor::channels
