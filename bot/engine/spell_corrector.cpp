#include "bot/engine/spell_corrector.hpp"

#include <algorithm>

namespace advisor {

spell_corrector::spell_corrector(const std::vector<std::string>& vocabulary, const std::vector<std::string>& known,
                                 options opts)
    : opts_(opts) {
  std::unordered_set<std::string> seen;
  for (const auto& w : vocabulary) {
    known_.insert(w);
    if (w.size() < opts_.min_length - 1 || !seen.insert(w).second) continue;
    words_.push_back(w);
  }
  std::sort(words_.begin(), words_.end());
  delete_map deletes;
  for (std::size_t i = 0; i < words_.size(); ++i) {
    std::string scratch;
    const int depth = words_[i].size() + 1 >= opts_.long_length ? 2 : 1;
    deletes[key_hash(words_[i])].push_back(static_cast<std::uint32_t>(i));
    add_deletes(words_[i], i, depth, scratch, deletes);
  }
  std::size_t slots = 16;
  while (slots < 2 * deletes.size()) slots *= 2;
  slots_.assign(slots, {});
  slot_mask_ = slots - 1;
  for (auto& [hash, ids] : deletes) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::uint64_t at = hash & slot_mask_;
    while (slots_[at].count != 0) at = (at + 1) & slot_mask_;
    slots_[at] = {hash, static_cast<std::uint32_t>(ids_.size()), static_cast<std::uint32_t>(ids.size())};
    ids_.insert(ids_.end(), ids.begin(), ids.end());
  }
  for (const auto& w : known) known_.insert(w);
}

void spell_corrector::add_deletes(const std::string& word, std::size_t word_index, int depth, std::string& scratch,
                                  delete_map& out) {
  if (depth == 0 || word.size() <= 2) return;
  for (std::size_t i = 0; i < word.size(); ++i) {
    scratch.assign(word, 0, i);
    scratch.append(word, i + 1, std::string::npos);
    out[key_hash(scratch)].push_back(static_cast<std::uint32_t>(word_index));
    std::string next = scratch;
    add_deletes(next, word_index, depth - 1, scratch, out);
  }
}

std::pair<const std::uint32_t*, const std::uint32_t*> spell_corrector::candidates(std::string_view key) const {
  if (slots_.empty()) return {nullptr, nullptr};
  const std::uint64_t hash = key_hash(key);
  for (std::uint64_t at = hash & slot_mask_;; at = (at + 1) & slot_mask_) {
    const delete_slot& s = slots_[at];
    if (s.count == 0) return {nullptr, nullptr};
    if (s.hash == hash) return {ids_.data() + s.begin, ids_.data() + s.begin + s.count};
  }
}

int spell_corrector::distance(std::string_view a, std::string_view b, int limit) {
  const std::size_t n = a.size(), m = b.size();
  // Three rows, reused by the thread (no allocation per call).
  thread_local std::vector<int> prev2, prev, cur;
  prev2.assign(m + 1, 0);
  prev.resize(m + 1);
  cur.assign(m + 1, 0);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    // No later row can come back under the limit: a cell is at least the
    // smallest of the row above or, through a transposition, one more than
    // the smallest of the row two above, and the row above this one is at
    // most one below this row (a deletion costs one).
    if (row_min > limit) return row_min;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

namespace {

bool same_letters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::string x(a), y(b);
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

}  // namespace

bool spell_corrector::preferred(std::string_view typed, const std::string& a, const std::string& b) {
  // Among equally distant candidates: swapped letters ("waht" -> "what"),
  // then the same first letter, then a dropped letter over an extra one
  // ("managr" -> "manager", not "manage"), then alphabetical.
  const bool swap_a = same_letters(typed, a), swap_b = same_letters(typed, b);
  if (swap_a != swap_b) return swap_a;
  const bool first_a = a[0] == typed[0], first_b = b[0] == typed[0];
  if (first_a != first_b) return first_a;
  if (a.size() != b.size()) return a.size() > b.size();
  return a < b;
}

std::string spell_corrector::correct(std::string_view w) const {
  if (w.size() < opts_.min_length || w.size() > opts_.max_length || known_.find(w) != known_.end())
    return std::string(w);
  const int max_d = w.size() >= opts_.long_length ? 2 : 1;

  // Candidate keys: the word and its deletes up to max_d. A second delete
  // is taken only at or after the first one's position, so each pair of
  // deleted positions is generated once (i then j equals j then i). The
  // thread's strings are reused: a word never seen allocates nothing here
  // once they have grown.
  thread_local std::vector<std::string> keys;
  const std::size_t n = w.size();
  const std::size_t needed = 1 + n + (max_d == 2 ? n * (n - 1) / 2 : 0);
  if (keys.size() < needed) keys.resize(needed);
  keys[0].assign(w);
  std::size_t count = 1;
  for (std::size_t i = 0; i < n; ++i) {
    std::string& del = keys[count++];
    del.assign(w.substr(0, i));
    del.append(w.substr(i + 1));
  }
  if (max_d == 2) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& first = keys[1 + i];  // w without position i
      for (std::size_t j = i; j < first.size(); ++j) {
        std::string& del = keys[count++];
        del.assign(first, 0, j);
        del.append(first, j + 1, std::string::npos);
      }
    }
  }
  const std::string word(w);

  int best_d = max_d + 1;
  const std::string* best = nullptr;
  // A candidate reached through several keys is measured once.
  thread_local std::vector<std::uint32_t> seen;
  thread_local std::uint32_t generation = 0;
  if (seen.size() < words_.size()) seen.resize(words_.size(), 0);
  if (++generation == 0) {
    std::fill(seen.begin(), seen.end(), 0);
    generation = 1;
  }
  for (std::size_t k = 0; k < count; ++k) {
    const auto [from, to] = candidates(keys[k]);
    for (const std::uint32_t* p = from; p != to; ++p) {
      const std::uint32_t id = *p;
      if (seen[id] == generation) continue;
      seen[id] = generation;
      const std::string& cand = words_[id];
      const std::size_t len_diff = cand.size() > word.size() ? cand.size() - word.size() : word.size() - cand.size();
      if (static_cast<int>(len_diff) > max_d) continue;
      const int d = distance(word, cand, max_d);
      if (d > max_d) continue;
      bool better = best == nullptr || d < best_d;
      if (!better && d == best_d) better = preferred(word, cand, *best);
      if (better) {
        best_d = d;
        best = &cand;
      }
    }
  }
  return best ? *best : word;
}

}  // namespace advisor
