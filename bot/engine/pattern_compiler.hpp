#pragma once
// A pattern_compiler turns the rules' pattern language into RE2 syntax over
// normalised text (" word word ... "). The language, taught in
// rules/README.md:
//
//   word        the word (lower case; plurals stripped like user input)
//   ~name       any member of concept `name` (members are patterns too)
//   (a|b c)     one of the alternatives
//   [a|b]       optionally one of the alternatives
//   *           any number of words (also none);  *N  at most N words
//   ^ ... $     anchored at the start / end of the utterance
//   re:...      a raw RE2 regular expression over the normalised text
//
// Thread safety: not thread-safe; used once while loading.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace advisor {

class pattern_compiler {
 public:
  // concepts: name -> member patterns.
  explicit pattern_compiler(const std::map<std::string, std::vector<std::string>>* concepts)
      : concepts_(concepts) {}

  // The RE2 expression for pattern, or nullopt with error set.
  std::optional<std::string> compile(std::string_view pattern, std::string& error);

  // Every literal word seen so far, in canonical form (for spelling).
  const std::set<std::string>& words() const { return words_; }
  // Concept names referenced so far.
  const std::set<std::string>& used_concepts() const { return used_concepts_; }
  // While sink is set, every literal word of the patterns compiled goes into
  // it too, the words of the concepts they use included (nested ones too);
  // nullptr stops that. `re:` patterns add none.
  void collect_words(std::set<std::string>* sink) { sink_ = sink; }

 private:
  struct parser;
  std::optional<std::string> concept_regex(const std::string& name, std::string& error);

  const std::map<std::string, std::vector<std::string>>* concepts_;
  std::map<std::string, std::string> concept_cache_;
  std::set<std::string> in_progress_;
  std::set<std::string> words_;
  std::set<std::string> used_concepts_;
  std::map<std::string, std::set<std::string>> concept_words_;  // a concept's words, its concepts' included
  std::set<std::string>* sink_ = nullptr;                       // see collect_words()
};

}  // namespace advisor
