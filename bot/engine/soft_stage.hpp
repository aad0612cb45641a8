#pragma once
// The softer second stage: for a message no rule answers, but that names a
// role or follows a topical turn, the topical intent whose example questions
// (rules' "examples", kept as data so they can be read and tested) share the
// most weighted words and concepts with it.
//
// A message and an example are each a set of features: the stem of every
// word except the role names, and every concept (rules' "concepts") that
// lists the word as a member. A feature found in few examples weighs more
// (inverse document frequency); the similarity of two sets is the cosine of
// their weighted vectors; a word of the message that no example has (and
// that is in no concept an example uses) weighs as much as the rarest
// feature (it is evidence of another subject). An intent's score is that of
// its most similar example; the stage answers only when the best intent is
// clearly ahead (settings soft_min and soft_margin, rules/README.md).
//
// Thread safety: built once while loading; const afterwards (a query uses
// thread-local scratch space).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace advisor {

class soft_stage {
 public:
  // While loading: a word that is a member of a concept (a plain word, not a
  // pattern), then the examples, then finish().
  void add_concept_word(const std::string& word, const std::string& concept_name);
  void add_example(int intent, std::string text, std::string_view normalized);
  void finish(std::size_t intent_count);

  struct match {
    int intent = -1;      // the best intent, or -1 (no example shares a feature)
    double score = 0.0;   // its best example's cosine similarity, 0..1
    double second = 0.0;  // the best similarity of any other intent
    int example = -1;     // the index of that best example
  };
  // normalized: the message's words as the normaliser writes them ("w w ").
  // per_intent, when given, receives every intent's best similarity (0 for
  // intents without examples), indexed like the brain's intents.
  match best(std::string_view normalized, std::vector<double>* per_intent = nullptr) const;

  std::size_t size() const { return examples_.size(); }
  const std::string& example_text(int i) const { return examples_[static_cast<std::size_t>(i)].text; }

 private:
  struct example {
    int intent = -1;
    std::string text;
    std::vector<std::pair<int, double>> features;  // (feature id, weight) after finish()
    double norm = 0.0;
  };
  struct sv_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // The features of one stemmed word while loading (names: "w:stem", "~concept").
  void word_features(const std::string& stemmed, std::vector<std::string>& out) const;

  std::unordered_map<std::string, std::vector<std::string>> concepts_of_word_;  // loading only
  std::unordered_map<std::string, int> feature_ids_;                            // loading only
  // After finish(): a stemmed word -> the ids of its features that some
  // example has (no entry: the word is unknown to the examples).
  std::unordered_map<std::string, std::vector<int>, sv_hash, std::equal_to<>> word_ids_;
  std::vector<double> idf_;                                    // per feature id
  double max_idf_ = 0.0;                                       // of a feature in one example
  std::vector<std::vector<std::pair<int, double>>> postings_;  // feature -> (example, weight)
  std::vector<example> examples_;
  std::size_t intent_count_ = 0;
};

}  // namespace advisor
