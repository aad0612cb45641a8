#pragma once
// Reading the engine's JSON data files (rules/, knowledge/) with comments
// and trailing commas allowed, reporting problems with file and line.

#include <boost/json/value.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace advisor
