#pragma once
// A spell_corrector maps a misspelt word to the closest word of a fixed
// vocabulary within a bounded Damerau-Levenshtein distance, using a
// symmetric-delete index (SymSpell): look-up cost depends on the word's
// length, not on the vocabulary's size.
//
// Thread safety: immutable after construction; lookups from any thread.

#include <cstdint>
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
  using delete_map = std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>;
  static void add_deletes(const std::string& word, std::size_t word_index, int depth, std::string& scratch,
                          delete_map& out);
  static std::uint64_t key_hash(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }
  // The words (ids into words_) one of whose deletes hashes as key does:
  // the ids of every key with that 64-bit hash (a collision only adds a
  // candidate, which correct() measures like any other).
  std::pair<const std::uint32_t*, const std::uint32_t*> candidates(std::string_view key) const;
  options opts_;
  std::vector<std::string> words_;
  struct sv_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, sv_hash, std::equal_to<>> known_;  // vocabulary and known words
  // The delete index, flat: open addressing over the keys' 64-bit hashes
  // (a power of two of slots, at most half full), each slot a range of
  // ids_. A look-up is one hash, a masked index and, mostly, one slot read:
  // a node-based map spent most of a never-seen word's correction on
  // divisions and pointer chasing.
  struct delete_slot {
    std::uint64_t hash = 0;
    std::uint32_t begin = 0;
    std::uint32_t count = 0;  // 0: empty slot
  };
  std::vector<delete_slot> slots_;
  std::uint64_t slot_mask_ = 0;
  std::vector<std::uint32_t> ids_;
};

}  // namespace advisor
