#include "bot/engine/rule_set.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace advisor {
namespace {

RE2::Options set_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(256 << 20);  // room for the DFA of large generated rule sets
  return o;
}

}  // namespace

struct rule_set::matcher {
  RE2::Set set{set_options(), RE2::UNANCHORED};
};

rule_set::rule_set() : set_(std::make_unique<matcher>()) {}
rule_set::~rule_set() = default;
rule_set::rule_set(rule_set&&) noexcept = default;
rule_set& rule_set::operator=(rule_set&&) noexcept = default;

namespace {

// A message with a question part is matched as "text\nQUESTION": the
// question line in upper case, so a pattern's lower-case words can match only
// the text line and its upper-case twin only the question line, with no
// per-pattern prefix to slow the DFA down.
//
// The whole-message form of a pattern: '$' also before the line break.
std::string text_scoped(const std::string& regex) {
  if (!regex.empty() && regex.back() == '$' && (regex.size() < 2 || regex[regex.size() - 2] != '\\'))
    return regex.substr(0, regex.size() - 1) + "(?:\\n|$)";
  return regex;
}

// The question-line form: letters in upper case (not escapes such as \n),
// '^' at the line break.
std::string question_scoped(const std::string& regex) {
  std::string out;
  std::size_t i = 0;
  if (!regex.empty() && regex[0] == '^') {
    out = "\\n";
    i = 1;
  }
  for (; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      out.push_back(c);
      out.push_back(regex[++i]);
    } else {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
  return out;
}

}  // namespace

bool rule_set::add_pattern(const std::string& regex, pattern_ref ref, std::string& error) {
  std::string err;
  const int idx = set_->set.Add(ref.question ? question_scoped(regex) : text_scoped(regex), &err);
  if (idx < 0) {
    error = "re2 rejected the pattern: " + err;
    return false;
  }
  refs_.push_back(ref);
  return true;
}

bool rule_set::add_rule(rule r, const std::vector<std::string>& all, const std::vector<std::string>& any,
                        const std::vector<std::string>& none, std::string& error) {
  const auto index = static_cast<std::uint32_t>(rules_.size());
  r.all_count = static_cast<std::uint16_t>(all.size());
  r.needs_any = !any.empty();
  for (bool question : {false, true}) {
    for (const auto& p : all)
      if (!add_pattern(p, {index, part::all, question}, error)) return false;
    for (const auto& p : any)
      if (!add_pattern(p, {index, part::any, question}, error)) return false;
    for (const auto& p : none)
      if (!add_pattern(p, {index, part::none, question}, error)) return false;
  }
  rules_.push_back(std::move(r));
  patterns_.push_back({all, any, none});
  return true;
}

int rule_set::add_cue(const std::string& regex, std::string& error, int bit) {
  if (bit >= 0 && bit < cues_) {
    if (!add_pattern(regex, {static_cast<std::uint32_t>(bit), part::cue, false}, error)) return -1;
    return bit;
  }
  if (cues_ >= 32) {
    error = "too many cues";
    return -1;
  }
  if (!add_pattern(regex, {static_cast<std::uint32_t>(cues_), part::cue, false}, error)) return -1;
  return cues_++;
}

bool rule_set::compile(std::string& error) {
  if (refs_.empty()) {
    error = "no patterns to compile";
    return false;
  }
  if (!set_->set.Compile()) {
    error = "re2 could not compile the rule set (out of memory)";
    return false;
  }
  return true;
}

match_status rule_set::match(std::string_view text, std::string_view question, bool has_topic, role_set named,
                             match_result& out) const {
  out.fired.clear();
  out.vetoed.clear();
  out.question_fired.clear();
  out.cues = 0;
  thread_local std::vector<int> hits;
  thread_local std::string both;
  hits.clear();
  std::string_view subject = text;
  if (!question.empty()) {
    both.assign(text).push_back('\n');
    for (char c : question) both.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    subject = both;
  }
  RE2::Set::ErrorInfo info{};
  if (!set_->set.Match(subject, &hits, &info))
    return info.kind == RE2::Set::kOutOfMemory ? match_status::out_of_memory : match_status::ok;
  // Per rule and line: how many `all` patterns matched, whether an `any`
  // matched, whether a `none` matched. Only touched rules are examined.
  struct tally {
    std::uint32_t rule;
    bool question;
    std::uint16_t all = 0;
    bool any = false;
    bool none = false;
  };
  thread_local std::vector<tally> tallies;
  tallies.clear();
  for (int h : hits) {
    const pattern_ref& ref = refs_[static_cast<std::size_t>(h)];
    if (ref.kind == part::cue) {
      out.cues |= 1u << ref.index;
      continue;
    }
    if (tallies.empty() || tallies.back().rule != ref.index || tallies.back().question != ref.question)
      tallies.push_back({ref.index, ref.question});
    tally& t = tallies.back();
    if (ref.kind == part::all) ++t.all;
    if (ref.kind == part::any) t.any = true;
    if (ref.kind == part::none) t.none = true;
  }
  // re2 reports patterns in no particular order: group tallies by rule.
  std::sort(tallies.begin(), tallies.end(), [](const tally& a, const tally& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.question < b.question;
  });
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    tally t = tallies[i];
    while (i + 1 < tallies.size() && tallies[i + 1].rule == t.rule && tallies[i + 1].question == t.question) {
      ++i;
      t.all = static_cast<std::uint16_t>(t.all + tallies[i].all);
      t.any = t.any || tallies[i].any;
      t.none = t.none || tallies[i].none;
    }
    const rule& r = rules_[t.rule];
    if (t.none && !t.question) out.vetoed.push_back(static_cast<int>(t.rule));
    if (t.none || t.all != r.all_count || (r.needs_any && !t.any)) continue;
    if ((r.when & when_followup) && !has_topic) continue;
    if ((r.when & when_start) && has_topic) continue;
    if ((r.when & when_no_role) && !named.empty()) continue;
    if ((r.when & when_role) && named.empty()) continue;
    if ((r.when & when_context) && named.empty() && !has_topic) continue;
    (t.question ? out.question_fired : out.fired).push_back(static_cast<int>(t.rule));
  }
  return match_status::ok;
}

}  // namespace advisor
