#pragma once
// The one JSON string escaper: appends s to out as a JSON string, quotes
// included, byte for byte as Boost.JSON's serializer writes it (the quote,
// the backslash, and control characters as \b \t \n \f \r or else \u00xx
// in lower-case hex; all other bytes, UTF-8 included, as they are). Used by
// the reply frames and the JSON log lines.
//
// Thread safety: a pure function.

#include <string>
#include <string_view>

namespace advisor::protocol {

void append_json_string(std::string& out, std::string_view s);

}  // namespace advisor::protocol
