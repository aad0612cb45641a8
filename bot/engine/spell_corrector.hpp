#pragma once
// A spell_corrector maps a misspelt word to the closest word of a fixed
// vocabulary within a bounded Damerau-Levenshtein distance, using a
// symmetric-delete index (SymSpell): look-up cost depends on the word's
// length, not on the vocabulary's size.
//
// Thread safety: immutable after construction; lookups from any thread.

#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace advisor {

class spell_corrector {
 public:
  // Options: words shorter than min_length are never corrected; words of
  // at least long_length may be corrected by 2 edits, others by 1.
  struct options {
    std::size_t min_length = 4;   // shorter words are left as typed
    std::size_t long_length = 8;  // from this length two edits are allowed
    std::size_t max_length = 24;  // longer words are left as typed (bounds the work)
  };

  spell_corrector() = default;
  // vocabulary: the words corrections may produce; known: further words
  // that are correct as typed and never corrected (function words, ...).
  spell_corrector(const std::vector<std::string>& vocabulary, const std::vector<std::string>& known, options opts);

  bool is_known(std::string_view w) const { return known_.find(w) != known_.end(); }

  // The vocabulary word closest to w, or w itself when w is known or no
  // word is close enough. Ties are broken by preferred() (deterministic).
  std::string correct(std::string_view w) const;

  // Damerau (OSA). With a limit: the distance when it is at most `limit`,
  // else some value above it (the rows stop once every cell exceeds it).
  static int distance(std::string_view a, std::string_view b, int limit = std::numeric_limits<int>::max());
  // Whether candidate a beats b, equally distant from typed.
  static bool preferred(std::string_view typed, const std::string& a, const std::string& b);

 private:
  void add_deletes(const std::string& word, std::size_t word_index, int depth, std::string& scratch);
  options opts_;
  std::vector<std::string> words_;
  struct sv_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, sv_hash, std::equal_to<>> known_;  // vocabulary and known words
  std::unordered_map<std::string, std::vector<std::uint32_t>> deletes_;
};

}  // namespace advisor
