#pragma once
// Reading the engine's JSON data files (rules/, knowledge/) with comments
// and trailing commas allowed, reporting problems with file and line.

#include <boost/json/value.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/load_report.hpp"

namespace advisor {

// A loaded data file: its path (for messages), raw text (for line lookups
// and the content hash) and parsed value.
struct json_file {
  std::string path;
  std::string text;
  boost::json::value value;

  // 1-based line of the first occurrence of `"needle"` (a quoted JSON
  // string) in the file; 0 when absent. Used to point messages at rule ids.
  int line_of(std::string_view needle) const;
};

// Reads and parses path. On failure adds a problem (with the line of the
// syntax error) to report and returns nullopt.
std::optional<json_file> read_json_file(const std::filesystem::path& path, load_report& report);

// The strings under key in o, which may hold one string or an array of
// strings; absent gives none. Anything else is passed to problem as a
// message ("'key' must ...") and skipped.
std::vector<std::string> string_list(const boost::json::object& o, const char* key,
                                     const std::function<void(const std::string&)>& problem);

}  // namespace advisor
