#pragma once
// Conversation test cases kept as data (tests/conversations/*.jsonl, the
// format of shared/examples/sample-conversations.jsonl): each line is one
// conversation of turns, each turn a text with the expected intent and roles.
// Shared by the Catch2 conversation test and the evaluation tool.

#include <boost/json.hpp>
#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "bot/engine/brain.hpp"

namespace advisor::testing {

struct expected_turn {
  std::string text;
  std::string intent;
  std::set<std::string> roles;
  std::string fit;  // expected advice fit ("tpm", "pm", "either"); empty: no label
};

struct conversation_case {
  std::string file;
  int line = 0;
  std::string id;
  std::vector<expected_turn> turns;
  std::vector<std::string> tags;
};

// Reads one .jsonl file; throws std::runtime_error on malformed lines.
inline std::vector<conversation_case> read_cases(const std::filesystem::path& path) {
  std::vector<conversation_case> out;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object())
      throw std::runtime_error(path.string() + ":" + std::to_string(n) + ": not a JSON object");
    const auto& o = v.get_object();
    conversation_case c;
    c.file = path.filename().string();
    c.line = n;
    if (auto* id = o.if_contains("id"); id && id->is_string()) c.id = std::string(id->get_string());
    if (auto* tags = o.if_contains("tags"); tags && tags->is_array())
      for (const auto& t : tags->get_array())
        if (t.is_string()) c.tags.emplace_back(t.get_string());
    const auto* turns = o.if_contains("turns");
    if (!turns || !turns->is_array() || turns->get_array().empty())
      throw std::runtime_error(path.string() + ":" + std::to_string(n) + ": 'turns' must be a non-empty array");
    for (const auto& t : turns->get_array()) {
      const auto& to = t.as_object();
      expected_turn e;
      e.text = std::string(to.at("text").as_string());
      e.intent = std::string(to.at("intent").as_string());
      for (const auto& r : to.at("roles").as_array()) e.roles.insert(std::string(r.as_string()));
      if (auto* fit = to.if_contains("fit"); fit && fit->is_string()) e.fit = std::string(fit->get_string());
      c.turns.push_back(std::move(e));
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Every *.jsonl file under dir, sorted.
inline std::vector<std::filesystem::path> case_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".jsonl") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

struct turn_result {
  const conversation_case* conv;
  std::size_t turn;
  reply got;
  bool intent_ok;
  bool roles_ok;
};

// Runs every conversation through b with fresh context per conversation.
inline std::vector<turn_result> run_cases(const brain& b, const std::vector<conversation_case>& cases) {
  std::vector<turn_result> out;
  for (const auto& c : cases) {
    conversation ctx;
    for (std::size_t i = 0; i < c.turns.size(); ++i) {
      reply r = b.answer(c.turns[i].text, ctx);
      const auto names = r.roles.names();
      const std::set<std::string> got_roles(names.begin(), names.end());
      out.push_back({&c, i, r, r.intent == c.turns[i].intent, got_roles == c.turns[i].roles});
    }
  }
  return out;
}

}  // namespace advisor::testing
