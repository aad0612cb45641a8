#include "bot/engine/soft_stage.hpp"

#include <algorithm>
#include <cmath>

#include "bot/engine/stemmer.hpp"

namespace advisor {
namespace {

// Calls f(word) for each word of a normalised text but the role names
// (which role is the role step's business).
template <class F>
void for_each_word(std::string_view normalized, F f) {
  for (std::size_t i = 0; i < normalized.size();) {
    while (i < normalized.size() && normalized[i] == ' ') ++i;
    const std::size_t from = i;
    while (i < normalized.size() && normalized[i] != ' ') ++i;
    if (i == from) break;
    const std::string_view word = normalized.substr(from, i - from);
    if (word != "tpm" && word != "pm") f(word);
  }
}

}  // namespace

void soft_stage::add_concept_word(const std::string& word, const std::string& concept_name) {
  auto& v = concepts_of_word_[stem(word)];
  if (std::find(v.begin(), v.end(), concept_name) == v.end()) v.push_back(concept_name);
}

void soft_stage::word_features(const std::string& stemmed, std::vector<std::string>& out) const {
  out.assign(1, "w:" + stemmed);
  if (auto it = concepts_of_word_.find(stemmed); it != concepts_of_word_.end())
    for (const auto& c : it->second) out.push_back("~" + c);
}

void soft_stage::add_example(int intent, std::string text, std::string_view normalized) {
  example e;
  e.intent = intent;
  e.text = std::move(text);
  std::vector<std::string> names;
  for_each_word(normalized, [&](std::string_view word) {
    word_features(stem(word), names);
    for (const auto& name : names) {
      auto [it, added] = feature_ids_.emplace(name, static_cast<int>(feature_ids_.size()));
      e.features.emplace_back(it->second, 1.0);
    }
  });
  std::sort(e.features.begin(), e.features.end());
  e.features.erase(std::unique(e.features.begin(), e.features.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   e.features.end());
  examples_.push_back(std::move(e));
}

void soft_stage::finish(std::size_t intent_count) {
  intent_count_ = intent_count;
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
  // Every word a message may be looked up by: the examples' words and the
  // concepts' members, each with the features some example has.
  std::vector<std::string> stems;
  for (const auto& [name, id] : feature_ids_)
    if (name.rfind("w:", 0) == 0) stems.push_back(name.substr(2));
  for (const auto& [w, concepts] : concepts_of_word_) stems.push_back(w);
  std::vector<std::string> names;
  for (const auto& s : stems) {
    if (word_ids_.count(s)) continue;
    word_features(s, names);
    std::vector<int> ids;
    for (const auto& name : names)
      if (auto it = feature_ids_.find(name); it != feature_ids_.end()) ids.push_back(it->second);
    if (!ids.empty()) word_ids_.emplace(s, std::move(ids));
  }
  concepts_of_word_ = {};
  feature_ids_ = {};
}

soft_stage::match soft_stage::best(std::string_view normalized, std::vector<double>* per_intent) const {
  match out;
  if (per_intent) per_intent->assign(intent_count_, 0.0);
  if (examples_.empty()) return out;
  thread_local std::vector<int> ids;
  thread_local std::vector<double> dot, by_intent;
  thread_local std::string stemmed;
  ids.clear();
  std::size_t unknown = 0;
  for_each_word(normalized, [&](std::string_view word) {
    stemmed = stem(word);
    if (auto it = word_ids_.find(std::string_view(stemmed)); it != word_ids_.end())
      ids.insert(ids.end(), it->second.begin(), it->second.end());
    else
      ++unknown;  // counted per occurrence: a repeated unknown word is repeated evidence
  });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // A word no example has weighs as much as the rarest: a message about
  // something else ("what's the weather like?") shares a common word or two
  // with some example, and its other words keep it far from all of them.
  double sq = static_cast<double>(unknown) * max_idf_ * max_idf_;
  dot.assign(examples_.size(), 0.0);
  for (int id : ids) {
    const double w = idf_[static_cast<std::size_t>(id)];
    sq += w * w;
    for (const auto& [x, ew] : postings_[static_cast<std::size_t>(id)]) dot[static_cast<std::size_t>(x)] += w * ew;
  }
  if (sq <= 0.0) return out;
  const double qn = std::sqrt(sq);
  // Per intent its best example; the best intent and the runner-up's score.
  by_intent.assign(intent_count_, 0.0);
  double best_sim = 0.0;
  for (std::size_t x = 0; x < examples_.size(); ++x) {
    if (dot[x] <= 0.0 || examples_[x].norm <= 0.0) continue;
    const double sim = dot[x] / (qn * examples_[x].norm);
    const auto intent = static_cast<std::size_t>(examples_[x].intent);
    by_intent[intent] = std::max(by_intent[intent], sim);
    if (out.example < 0 || sim > best_sim) {
      best_sim = sim;
      out.example = static_cast<int>(x);
    }
  }
  if (out.example < 0) return out;
  out.intent = examples_[static_cast<std::size_t>(out.example)].intent;
  out.score = best_sim;
  for (std::size_t i = 0; i < by_intent.size(); ++i)
    if (static_cast<int>(i) != out.intent) out.second = std::max(out.second, by_intent[i]);
  if (per_intent) *per_intent = by_intent;
  return out;
}

}  // namespace advisor
