#include "bot/engine/pattern_compiler.hpp"

#include <re2/re2.h>

#include "bot/engine/text_normalizer.hpp"

namespace advisor {

// Recursive-descent parser over the pattern's tokens.
struct pattern_compiler::parser {
  pattern_compiler& pc;
  std::vector<std::string> toks;
  std::size_t pos = 0;
  std::string error;

  static std::vector<std::string> tokenize(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
    };
    for (char c : s) {
      if (c == ' ' || c == '\t') {
        flush();
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == '|') {
        flush();
        out.emplace_back(1, c);
      } else {
        cur.push_back(c);
      }
    }
    flush();
    return out;
  }

  bool at_end() const { return pos >= toks.size(); }

  // seq := elem*   (stops at ')', ']', '|' or the end)
  std::optional<std::string> seq() {
    std::string out;
    while (!at_end()) {
      const std::string& t = toks[pos];
      if (t == ")" || t == "]" || t == "|") break;
      auto e = elem();
      if (!e) return std::nullopt;
      out += *e;
    }
    return out;
  }

  // alt := seq ('|' seq)*
  std::optional<std::string> alt() {
    std::vector<std::string> parts;
    for (;;) {
      auto s = seq();
      if (!s) return std::nullopt;
      if (s->empty()) {
        error = "empty alternative";
        return std::nullopt;
      }
      parts.push_back(*s);
      if (!at_end() && toks[pos] == "|") {
        ++pos;
        continue;
      }
      break;
    }
    if (parts.size() == 1) return "(?:" + parts[0] + ")";
    std::string out = "(?:";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i) out += "|";
      out += parts[i];
    }
    return out + ")";
  }

  std::optional<std::string> elem() {
    const std::string t = toks[pos++];
    if (t == "(" || t == "[") {
      const std::string close = t == "(" ? ")" : "]";
      auto a = alt();
      if (!a) return std::nullopt;
      if (at_end() || toks[pos] != close) {
        error = "missing '" + close + "'";
        return std::nullopt;
      }
      ++pos;
      return t == "(" ? *a : *a + "?";
    }
    // A gap never crosses a line break: the rule set matches a message
    // and its question part as two lines of one text.
    if (t == "*") return std::string("(?:[^ \\n]+ )*");
    if (t.size() > 1 && t[0] == '*') {
      for (std::size_t i = 1; i < t.size(); ++i)
        if (t[i] < '0' || t[i] > '9') {
          error = "bad gap '" + t + "' (use * or *N)";
          return std::nullopt;
        }
      if (t.size() > 2) {
        error = "gap '" + t + "' is too wide (at most *9)";
        return std::nullopt;
      }
      return "(?:[^ \\n]+ ){0," + t.substr(1) + "}";
    }
    if (t[0] == '~') {
      auto r = pc.concept_regex(t.substr(1), error);
      if (!r) return std::nullopt;
      return r;
    }
    if (t == "^" || t == "$") {
      error = "'" + t + "' is only allowed at the start ('^') or end ('$') of a pattern";
      return std::nullopt;
    }
    for (char c : t) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!ok) {
        error = "bad word '" + t + "' (words are letters and digits; use ~concept, (a|b), [a], *)";
        return std::nullopt;
      }
    }
    std::string w = text_normalizer::canonical_word(t);
    pc.words_.insert(w);
    if (pc.sink_) pc.sink_->insert(w);
    return RE2::QuoteMeta(w) + " ";
  }
};

std::optional<std::string> pattern_compiler::concept_regex(const std::string& name, std::string& error) {
  used_concepts_.insert(name);
  if (auto it = concept_cache_.find(name); it != concept_cache_.end()) {
    if (sink_) {
      const auto& w = concept_words_[name];
      sink_->insert(w.begin(), w.end());
    }
    return it->second;
  }
  auto def = concepts_ ? concepts_->find(name) : decltype(concepts_->end()){};
  if (!concepts_ || def == concepts_->end()) {
    error = "unknown concept '~" + name + "'";
    return std::nullopt;
  }
  if (!in_progress_.insert(name).second) {
    error = "concept '~" + name + "' refers to itself";
    return std::nullopt;
  }
  // The members' words go to this concept's own set, then to the outer sink.
  std::set<std::string>* const outer = sink_;
  std::set<std::string>& mine = concept_words_[name];
  sink_ = &mine;
  std::string out = "(?:";
  bool first = true;
  for (const auto& member : def->second) {
    parser p{*this, parser::tokenize(member)};
    auto s = p.seq();
    if (s && !p.at_end()) {
      p.error = "unexpected '" + p.toks[p.pos] + "'";
      s.reset();
    }
    if (!s || s->empty()) {
      error = "concept '~" + name + "' member '" + member + "': " + (s ? "empty member" : p.error);
      in_progress_.erase(name);
      sink_ = outer;
      return std::nullopt;
    }
    if (!first) out += "|";
    out += *s;
    first = false;
  }
  out += ")";
  in_progress_.erase(name);
  sink_ = outer;
  if (outer) outer->insert(mine.begin(), mine.end());
  if (first) {
    error = "concept '~" + name + "' has no members";
    return std::nullopt;
  }
  concept_cache_[name] = out;
  return out;
}

std::optional<std::string> pattern_compiler::compile(std::string_view pattern, std::string& error) {
  if (pattern.substr(0, 3) == "re:") {
    std::string raw(pattern.substr(3));
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(raw, o);
    if (!re.ok()) {
      error = "bad regular expression: " + re.error();
      return std::nullopt;
    }
    return raw;
  }
  parser p{*this, parser::tokenize(pattern)};
  bool start = false, end = false;
  if (!p.toks.empty() && p.toks.front() == "^") start = true, p.toks.erase(p.toks.begin());
  if (!p.toks.empty() && p.toks.back() == "$") end = true, p.toks.pop_back();
  if (p.toks.empty()) {
    error = "empty pattern";
    return std::nullopt;
  }
  auto body = p.seq();
  if (body && !p.at_end()) {
    p.error = "unexpected '" + p.toks[p.pos] + "'";
    body.reset();
  }
  if (!body) {
    error = p.error;
    return std::nullopt;
  }
  return std::string(start ? "^ " : " ") + *body + (end ? "$" : "");
}

}  // namespace advisor
