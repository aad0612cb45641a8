#pragma once
// Measuring user text the way the protocol counts it: Unicode code points
// after trimming leading and trailing Unicode white space.
//
// "White space" is the Unicode White_Space property (PropList.txt): U+0009..
// U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F and U+3000. Zero-width characters (U+200B, U+FEFF) are not
// white space and count.
//
// All functions expect valid UTF-8 (the WebSocket layer and the JSON parser
// both reject anything else); on invalid input they do not crash and count
// every byte that is not a continuation byte.

#include <cstddef>
#include <string_view>

namespace advisor::protocol {

// True when cp has the Unicode White_Space property.
bool is_unicode_space(char32_t cp);

// s without its leading and trailing Unicode white space (a view into s).
std::string_view trim_unicode_space(std::string_view s);

// Number of Unicode code points in the UTF-8 string s.
std::size_t count_code_points(std::string_view s);

}  // namespace advisor::protocol
