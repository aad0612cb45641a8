#include "bot/engine/json_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>
#include <fstream>
#include <sstream>

namespace advisor {

int json_file::line_of(std::string_view needle) const {
  std::string quoted(1, '"');
  quoted.append(needle).push_back('"');
  auto pos = text.find(quoted);
  if (pos == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::optional<json_file> read_json_file(const std::filesystem::path& path, load_report& report) {
  json_file f;
  f.path = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report.add(f.path, 0, "", "cannot open file");
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  f.text = ss.str();

  boost::json::parse_options opts;
  opts.allow_comments = true;
  opts.allow_trailing_commas = true;
  boost::json::stream_parser parser({}, opts);
  // Feed line by line so a syntax error can be located.
  boost::system::error_code ec;
  std::size_t start = 0;
  int line = 1;
  while (start < f.text.size()) {
    std::size_t end = f.text.find('\n', start);
    end = end == std::string::npos ? f.text.size() : end + 1;
    parser.write(f.text.data() + start, end - start, ec);
    if (ec) {
      report.add(f.path, line, "", "invalid JSON: " + ec.message());
      return std::nullopt;
    }
    start = end;
    ++line;
  }
  parser.finish(ec);
  if (ec) {
    report.add(f.path, line - 1, "", "invalid JSON: " + ec.message());
    return std::nullopt;
  }
  f.value = parser.release();
  return f;
}

std::vector<std::string> string_list(const boost::json::object& o, const char* key,
                                     const std::function<void(const std::string&)>& problem) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (!v) return out;
  if (v->is_string()) {
    out.emplace_back(v->get_string());
  } else if (v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
      else problem(std::string("'") + key + "' must contain only strings");
    }
  } else {
    problem(std::string("'") + key + "' must be a string or an array of strings");
  }
  return out;
}

}  // namespace advisor
