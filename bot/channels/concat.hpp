#pragma once
// concat joins string pieces with one allocation. The channels build their
// texts with it rather than `"literal" + std::string`, which also avoids
// GCC 12's -Wrestrict false positives on that operator at -O3.

#include <initializer_list>
#include <string>
#include <string_view>

namespace advisor::channels {

inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (const auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (const auto p : parts) out.append(p.data(), p.size());
  return out;
}

}  // namespace advisor::channels
