#include "bot/reload/conversation_check.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace advisor::server {
namespace {

namespace json = boost::json;

struct expected_turn {
  std::string text;
  std::string intent;
  std::set<std::string> roles;
};

std::string join(const std::set<std::string>& s) {
  std::string out = "[";
  for (const auto& x : s) {
    if (out.size() > 1) out += ",";
    out += x;
  }
  return out + "]";
}

// Parses one conversation line; returns false with why on a bad shape.
bool parse_line(std::string_view line, std::string& id, std::vector<expected_turn>& turns, std::string& why) {
  json::error_code ec;
  const auto v = json::parse(line, ec);
  if (ec || !v.is_object()) return why = "not a JSON object", false;
  const auto& o = v.get_object();
  if (const auto* i = o.if_contains("id"); i && i->is_string()) id = std::string(i->get_string());
  const auto* t = o.if_contains("turns");
  if (t == nullptr || !t->is_array() || t->get_array().empty()) return why = "'turns' must be a non-empty array", false;
  for (const auto& turn : t->get_array()) {
    const auto* to = turn.if_object();
    const json::value* text = to ? to->if_contains("text") : nullptr;
    const json::value* intent = to ? to->if_contains("intent") : nullptr;
    const json::value* roles = to ? to->if_contains("roles") : nullptr;
    if (!text || !text->is_string() || !intent || !intent->is_string() || !roles || !roles->is_array())
      return why = "each turn needs string 'text' and 'intent' and an array 'roles'", false;
    expected_turn e{std::string(text->get_string()), std::string(intent->get_string()), {}};
    for (const auto& r : roles->get_array()) {
      if (!r.is_string()) return why = "'roles' must hold strings", false;
      e.roles.emplace(r.get_string());
    }
    turns.push_back(std::move(e));
  }
  return true;
}

}  // namespace

conversation_check_result check_conversations(const brain& b, const std::filesystem::path& dir, load_report& report) {
  conversation_check_result out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".jsonl" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    report.add(dir.string(), 0, "", "cannot read the conversation checks: " + ec.message());
    return out;
  }
  if (files.empty()) {
    report.add(dir.string(), 0, "", "no conversation check files (*.jsonl)");
    return out;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    ++out.files;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      report.add(path.string(), 0, "", "cannot open");
      continue;
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string id, why;
      std::vector<expected_turn> turns;
      if (!parse_line(line, id, turns, why)) {
        report.add(path.string(), n, id, why);
        continue;
      }
      ++out.conversations;
      conversation conv;
      for (std::size_t i = 0; i < turns.size(); ++i) {
        const auto& want = turns[i];
        const reply r = b.answer(want.text, conv);
        ++out.turns;
        const auto names = r.roles.names();
        const std::set<std::string> got_roles(names.begin(), names.end());
        if (r.intent == want.intent && got_roles == want.roles) continue;
        ++out.wrong;
        report.add(path.string(), n, id,
                   "turn " + std::to_string(i + 1) + " \"" + want.text + "\": want " + want.intent + " " +
                       join(want.roles) + ", got " + r.intent + " " + join(got_roles) +
                       (r.rule.empty() ? std::string() : " (rule " + r.rule + ")"));
      }
    }
  }
  return out;
}

}  // namespace advisor::server
