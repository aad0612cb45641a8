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

bool rule_set::add_pattern(const std::string& regex, pattern_ref ref, std::string& error) {
  std::string err;
  const int idx = set_->set.Add(regex, &err);
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
  for (const auto& p : all)
    if (!add_pattern(p, {index, part::all}, error)) return false;
  for (const auto& p : any)
    if (!add_pattern(p, {index, part::any}, error)) return false;
  for (const auto& p : none)
    if (!add_pattern(p, {index, part::none}, error)) return false;
  rules_.push_back(std::move(r));
  return true;
}

int rule_set::add_cue(const std::string& regex, std::string& error) {
  if (cues_ >= 32) {
    error = "too many cues";
    return -1;
  }
  if (!add_pattern(regex, {static_cast<std::uint32_t>(cues_), part::cue}, error)) return -1;
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

void rule_set::match(std::string_view text, bool has_topic, role_set named, std::vector<int>& fired,
                     std::uint32_t& cues, std::vector<int>* vetoed) const {
  fired.clear();
  if (vetoed) vetoed->clear();
  cues = 0;
  thread_local std::vector<int> hits;
  hits.clear();
  RE2::Set::ErrorInfo info{};
  if (!set_->set.Match(text, &hits, &info)) {
    // No match at all, or re2 ran out of memory for the DFA; in the latter
    // case there is nothing sensible to return but "no rule".
    return;
  }
  // Per rule: how many `all` patterns matched, whether an `any` matched,
  // whether a `none` matched. Only touched rules are examined.
  struct tally {
    std::uint32_t rule;
    std::uint16_t all = 0;
    bool any = false;
    bool none = false;
  };
  thread_local std::vector<tally> tallies;
  tallies.clear();
  for (int h : hits) {
    const pattern_ref& ref = refs_[static_cast<std::size_t>(h)];
    if (ref.kind == part::cue) {
      cues |= 1u << ref.index;
      continue;
    }
    if (tallies.empty() || tallies.back().rule != ref.index) tallies.push_back({ref.index});
    tally& t = tallies.back();
    if (ref.kind == part::all) ++t.all;
    if (ref.kind == part::any) t.any = true;
    if (ref.kind == part::none) t.none = true;
  }
  // re2 reports patterns in no particular order: group tallies by rule.
  std::sort(tallies.begin(), tallies.end(), [](const tally& a, const tally& b) { return a.rule < b.rule; });
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    tally t = tallies[i];
    while (i + 1 < tallies.size() && tallies[i + 1].rule == t.rule) {
      ++i;
      t.all = static_cast<std::uint16_t>(t.all + tallies[i].all);
      t.any = t.any || tallies[i].any;
      t.none = t.none || tallies[i].none;
    }
    const rule& r = rules_[t.rule];
    if (t.none && vetoed) vetoed->push_back(static_cast<int>(t.rule));
    if (t.none || t.all != r.all_count || (r.needs_any && !t.any)) continue;
    if ((r.when & when_followup) && !has_topic) continue;
    if ((r.when & when_start) && has_topic) continue;
    if ((r.when & when_no_role) && !named.empty()) continue;
    if ((r.when & when_role) && named.empty()) continue;
    if ((r.when & when_context) && named.empty() && !has_topic) continue;
    fired.push_back(static_cast<int>(t.rule));
  }
}

}  // namespace advisor
