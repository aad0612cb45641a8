#include "bot/engine/scoring.hpp"

#include <algorithm>

namespace advisor {

scored_intents score_intents(const std::vector<rule>& rules, const match_result& m, bool focused,
                             int last_intent, const scoring_options& o) {
  scored_intents s;
  const std::size_t capacity = std::min(o.max_candidates, s.top.size());
  auto contains = [](const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  auto consider = [&](int ri) {
    const rule& r = rules[static_cast<std::size_t>(ri)];
    if (!r.after.empty() && !contains(r.after, last_intent)) return;
    const int intent = r.intent >= 0 ? r.intent : last_intent;
    const bool in_question = !focused || contains(m.question_fired, ri);
    const double weight = in_question ? r.weight : r.weight - o.preamble_penalty;
    s.best_seen = std::max(s.best_seen, weight);
    auto end = s.top.begin() + static_cast<long>(s.count);
    auto it = std::find_if(s.top.begin(), end, [&](const candidate& c) { return c.intent == intent; });
    if (it != end) {
      ++it->rules;
      if (weight > it->score) {
        it->score = std::min(o.score_cap, weight + o.extra_rule_bonus);
        it->rule = ri;
      } else {
        it->score = std::min(o.score_cap, it->score + o.extra_rule_bonus);
      }
    } else if (s.count < capacity) {
      s.top[s.count++] = {intent, weight, ri, 1};
    }
  };
  for (int ri : m.fired) consider(ri);
  // Rules anchored to the start or end of a message ("^ and what about
  // ...") may fire on the question alone, unless the whole message rules
  // them out.
  if (focused)
    for (int ri : m.question_fired)
      if (!contains(m.fired, ri) && !contains(m.vetoed, ri)) consider(ri);
  std::stable_sort(s.top.begin(), s.top.begin() + static_cast<long>(s.count),
                   [](const candidate& a, const candidate& b) { return a.score > b.score; });
  return s;
}

}  // namespace advisor
