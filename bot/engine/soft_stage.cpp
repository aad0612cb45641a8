#include "bot/engine/soft_stage.hpp"

#include <algorithm>
#include <cmath>

#include "bot/engine/stemmer.hpp"

namespace advisor {

void soft_stage::add_concept_word(const std::string& word, const std::string& concept_name) {
  auto& v = concepts_of_word_[stem(word)];
  if (std::find(v.begin(), v.end(), concept_name) == v.end()) v.push_back(concept_name);
}

template <class F>
void soft_stage::for_each_feature(std::string_view normalized, F f) const {
  for (std::size_t i = 0; i < normalized.size();) {
    while (i < normalized.size() && normalized[i] == ' ') ++i;
    const std::size_t from = i;
    while (i < normalized.size() && normalized[i] != ' ') ++i;
    if (i == from) break;
    const std::string_view word = normalized.substr(from, i - from);
    if (word == "tpm" || word == "pm") continue;  // which role is the role step's business
    const std::string s = stem(word);
    f(std::string("w:") + s);
    if (auto it = concepts_of_word_.find(s); it != concepts_of_word_.end())
      for (const auto& c : it->second) f(std::string("~") + c);
  }
}

void soft_stage::add_example(int intent, std::string text, std::string_view normalized) {
  example e;
  e.intent = intent;
  e.text = std::move(text);
  for_each_feature(normalized, [&](const std::string& feature) {
    auto [it, added] = feature_ids_.emplace(feature, static_cast<int>(feature_ids_.size()));
    e.features.emplace_back(it->second, 1.0);
  });
  std::sort(e.features.begin(), e.features.end());
  e.features.erase(std::unique(e.features.begin(), e.features.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   e.features.end());
  examples_.push_back(std::move(e));
}

void soft_stage::finish() {
  // Inverse document frequency over the examples: a word in every example
  // ("what", "do") weighs nothing; one in a single example the most.
  std::vector<int> df(feature_ids_.size(), 0);
  for (const auto& e : examples_)
    for (const auto& [id, w] : e.features) ++df[static_cast<std::size_t>(id)];
  const double n = static_cast<double>(examples_.size());
  idf_.assign(df.size(), 0.0);
  for (std::size_t i = 0; i < df.size(); ++i) idf_[i] = df[i] > 0 ? std::log(n / df[i]) : 0.0;
  max_idf_ = n > 0 ? std::log(n) : 0.0;
  postings_.assign(feature_ids_.size(), {});
  for (std::size_t x = 0; x < examples_.size(); ++x) {
    example& e = examples_[x];
    double sq = 0.0;
    for (auto& [id, w] : e.features) {
      w = idf_[static_cast<std::size_t>(id)];
      sq += w * w;
      if (w > 0.0) postings_[static_cast<std::size_t>(id)].emplace_back(static_cast<int>(x), w);
    }
    e.norm = std::sqrt(sq);
  }
}

soft_stage::match soft_stage::best(std::string_view normalized) const {
  match out;
  if (examples_.empty()) return out;
  thread_local std::vector<int> ids;
  thread_local std::vector<double> dot;
  thread_local std::vector<std::string> unknown;
  ids.clear();
  unknown.clear();
  for_each_feature(normalized, [&](const std::string& feature) {
    if (auto it = feature_ids_.find(feature); it != feature_ids_.end()) ids.push_back(it->second);
    else if (feature[0] == 'w') unknown.push_back(feature);
  });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  // A word no example has weighs as much as the rarest: a message about
  // something else ("what's the weather like?") shares a common word or two
  // with some example, and its other words keep it far from all of them.
  double sq = static_cast<double>(unknown.size()) * max_idf_ * max_idf_;
  dot.assign(examples_.size(), 0.0);
  for (int id : ids) {
    const double w = idf_[static_cast<std::size_t>(id)];
    sq += w * w;
    for (const auto& [x, ew] : postings_[static_cast<std::size_t>(id)]) dot[static_cast<std::size_t>(x)] += w * ew;
  }
  if (sq <= 0.0) return out;
  const double qn = std::sqrt(sq);
  // Per intent its best example; the best intent and the runner-up's score.
  std::vector<std::pair<int, double>> by_intent;  // (intent, best similarity)
  int best_x = -1;
  for (std::size_t x = 0; x < examples_.size(); ++x) {
    if (dot[x] <= 0.0 || examples_[x].norm <= 0.0) continue;
    const double sim = dot[x] / (qn * examples_[x].norm);
    const int intent = examples_[x].intent;
    auto it = std::find_if(by_intent.begin(), by_intent.end(), [&](const auto& p) { return p.first == intent; });
    if (it == by_intent.end()) by_intent.emplace_back(intent, sim);
    else it->second = std::max(it->second, sim);
    if (best_x < 0 || sim > dot[static_cast<std::size_t>(best_x)] / (qn * examples_[static_cast<std::size_t>(best_x)].norm))
      best_x = static_cast<int>(x);
  }
  if (best_x < 0) return out;
  out.example = best_x;
  out.intent = examples_[static_cast<std::size_t>(best_x)].intent;
  for (const auto& [intent, sim] : by_intent) {
    if (intent == out.intent) out.score = sim;
    else out.second = std::max(out.second, sim);
  }
  return out;
}

}  // namespace advisor
