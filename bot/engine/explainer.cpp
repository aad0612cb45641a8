// Explaining a reply (protocol 1.1 `why`): the normalised text, the spelling
// corrections, the rule that fired with its file, line and matched span, the
// previous turn used, and the readings that lost. Runs only when a message
// asks to explain, so it may re-run single patterns.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "bot/engine/brain_impl.hpp"

namespace advisor {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The first span of text one of the patterns matches.
std::string matched_span(const std::vector<std::string>& patterns, const std::string& text) {
  for (const auto& p : patterns) {
    RE2 re("(" + p + ")", RE2::Quiet);
    std::string span;
    if (re.ok() && RE2::PartialMatch(text, re, &span)) return trim(span);
  }
  return "";
}

}  // namespace

reply_why brain::impl::explain(const trace& t, const reply& r) const {
  reply_why why;
  why.normalized = t.norm ? trim(t.norm->text) : "";
  // Corrections: each typed word the normaliser changed into one other word.
  std::string word;
  auto check = [&] {
    if (word.empty()) return;
    const std::string got = trim(normalizer.normalize(word).text);
    const std::string canon = text_normalizer::canonical_word(word);
    if (!got.empty() && got != canon && got.find(' ') == std::string::npos &&
        std::none_of(why.corrections.begin(), why.corrections.end(),
                     [&](const why_correction& c) { return c.from == word; }))
      why.corrections.push_back({word, got});
    word.clear();
  };
  for (char c : t.text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'')
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    else
      check();
  }
  check();

  why.rule = r.rule;
  if (t.winner >= 0) {
    const rule& w = rules.rules()[static_cast<std::size_t>(t.winner)];
    // As a rule author names it: the rules folder and the file
    // ("rules/topical.json"), not the path the server was started with.
    const std::filesystem::path path(w.file);
    why.file = (path.parent_path().filename() / path.filename()).generic_string();
    why.line = w.line;
    const auto& p = rules.patterns_of(t.winner);
    const std::string text = t.norm ? t.norm->text : "";
    why.matched = matched_span(p.all, text);
    if (why.matched.empty()) why.matched = matched_span(p.any, text);
    if (why.matched.empty() && t.norm) why.matched = trim(t.norm->question);
  }
  if (t.soft_example >= 0) {  // the soft stage: the example question it was most like
    why.file = "rules/examples.json";
    why.matched = soft.example_text(t.soft_example);
  }
  if (t.context_used && t.last_intent >= 0)
    why.context = why_reading{intent(t.last_intent).name, t.last_roles, 0.0, "", ""};

  // Runner-up readings: the other candidates, best first, and why each lost.
  if (t.scored) {
    const auto& all = t.scored->top;
    for (std::size_t i = 0; i < t.scored->count && why.runner_up.size() < 3; ++i) {
      const candidate& c = all[i];
      if (c.rule == t.winner) continue;
      const rule& cr = rules.rules()[static_cast<std::size_t>(c.rule)];
      why_reading rd;
      rd.intent = c.intent >= 0 ? intent(c.intent).name : "";
      rd.roles = intent(c.intent).topical ? (t.norm && !t.norm->roles.empty() ? t.norm->roles : role_set::both())
                                          : role_set::none();
      rd.score = std::round(c.score * 100.0) / 100.0;
      rd.rule = cr.id;
      if (!t.vetoed_by.empty()) rd.lost = "vetoed: other sense (" + t.vetoed_by + ")";
      else if (c.score < scoring.threshold) rd.lost = "below the threshold";
      else if (t.winner >= 0 && c.score < all[0].score) rd.lost = "lower weight";
      else rd.lost = "equal weight, later rule";
      why.runner_up.push_back(std::move(rd));
    }
  }
  // Rules whose patterns matched but a `none` pattern vetoed them.
  if (t.match)
    for (int ri : t.match->vetoed) {
      if (why.runner_up.size() >= 3) break;
      const rule& vr = rules.rules()[static_cast<std::size_t>(ri)];
      if (vr.intent < 0) continue;
      // Only rules that would have fired: every `all` pattern (and an `any`) matched.
      const auto& p = rules.patterns_of(ri);
      const std::string text = t.norm ? t.norm->text : "";
      bool would = std::all_of(p.all.begin(), p.all.end(),
                               [&](const std::string& x) { return !matched_span({x}, text).empty(); });
      if (would && !p.any.empty()) would = !matched_span(p.any, text).empty();
      if (!would) continue;
      why.runner_up.push_back({intent(vr.intent).name, role_set::none(), vr.weight, vr.id,
                               "vetoed: a 'none' pattern matched"});
    }
  return why;
}

}  // namespace advisor
