#include "bot/engine/rule_set.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
#include <unordered_map>

namespace advisor {
namespace {

RE2::Options set_options(std::size_t max_mem = std::size_t{32} << 20) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(static_cast<std::int64_t>(max_mem));  // only the raw `re:` patterns use it (see matcher)
  return o;
}

// A message with a question part is matched, by the RE2::Set of raw
// patterns, as "text\nQUESTION": the question line in upper case, so a
// pattern's lower-case words can match only the text line and its upper-case
// twin only the question line.
//
// The whole-message form of a pattern: '$' also before the line break.
std::string text_scoped(const std::string& regex) {
  if (!regex.empty() && regex.back() == '$' && (regex.size() < 2 || regex[regex.size() - 2] != '\\'))
    return regex.substr(0, regex.size() - 1) + "(?:\\n|$)";
  return regex;
}

// The question-line form: letters in upper case (not escapes such as \n),
// '^' at the line break.
std::string question_scoped(const std::string& regex) {
  std::string out;
  std::size_t i = 0;
  if (!regex.empty() && regex[0] == '^') {
    out = "\\n";
    i = 1;
  }
  for (; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      out.push_back(c);
      out.push_back(regex[++i]);
    } else {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The token matcher.
//
// Patterns come from pattern_compiler as RE2 expressions over the normalised
// text (" word word ... "). Nearly all use only what the pattern language
// writes: words ("word "), groups "(?:a|b)", optional groups "(?:...)?" and
// word gaps "(?:[^ \n]+ )*", "(?:[^ \n]+ ){0,N}". Those are read back into a
// small tree over word ids and matched a word at a time with sets of
// positions (bit sets), so no automaton is built per text: a message never
// seen costs what a message seen before costs, and nothing is allocated once
// the scratch buffers have grown to the longest message. The few others
// (raw `re:` patterns) stay in one small RE2::Set.
//
// One RE2::Set for everything (the design before) wrote the concept lists
// out inline in ~1,600 unanchored patterns; every DFA state re2 built then
// held the positions of all of them (~0.8 MB a state, dozens of new states
// per never-seen message); see docs/performance.md.
//
// Positions: 0..n on a line of n words; position i is before word i. A node
// maps a set of start positions to the set of positions where it can end.

using bits = std::uint64_t;

struct token_node {
  enum class kind : std::uint8_t { word, word_set, seq, alt, opt, any_words, some_words };
  kind k = kind::seq;
  int id = -1;  // word id (word), word set id (word_set), width (some_words)
  std::vector<int> kids;
  // A word (>= 0) or word set (< -1: -2 - id) that must occur on the line
  // for the node to match anything; -1: none.
  int need = -1;
  // Sequences: the other words and word sets that must occur (rarest first).
  std::vector<int> needs;
};

struct token_pattern {
  int root = -1;
  bool start = false;     // ^: starts at the start of the line
  bool end = false;       // $: ends at the end of the line
  bool question = false;  // matched on the question part (else the text)
  std::uint32_t ref = 0;
};

struct sv_hash {
  using is_transparent = void;
  // FNV-1a: the keys are short words, where it beats the library's hash.
  std::size_t operator()(std::string_view s) const noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

constexpr std::string_view gap_any = "(?:[^ \\n]+ )*";
constexpr std::string_view gap_some = "(?:[^ \\n]+ ){0,";

}  // namespace

struct rule_set::matcher {
  // --- the token matcher ---
  std::vector<token_node> nodes;
  std::unordered_map<std::string, int, sv_hash, std::equal_to<>> word_ids;
  std::vector<std::vector<int>> sets_of_word;                   // word id -> word sets holding it
  std::map<std::vector<int>, int> set_ids;                      // sorted word ids -> word set id
  std::vector<std::vector<int>> words_of_set;                   // word set id -> its words
  std::unordered_map<std::string, std::pair<int, int>> parsed;  // regex -> (root, depth)
  std::vector<token_pattern> patterns;
  // Per line (0 the text, 1 the question part): the patterns to try when a
  // word or word set occurs on it, and those tried on every line.
  std::vector<std::vector<int>> by_word[2], by_set[2];
  std::vector<int> always[2];
  int depth = 1;  // the deepest tree, for the scratch bit sets
  // --- the raw patterns, in one RE2::Set over "text\nQUESTION" ---
  RE2::Set set{set_options(), RE2::UNANCHORED};
  std::vector<std::uint32_t> set_refs;  // set index -> refs_ index

  int word_id(std::string_view w) {
    if (auto it = word_ids.find(w); it != word_ids.end()) return it->second;
    const int id = static_cast<int>(word_ids.size());
    word_ids.emplace(std::string(w), id);
    sets_of_word.emplace_back();
    return id;
  }
  // Equal subtrees (a concept written out in many patterns) are one node,
  // so their result on a line is computed once (see evaluator::memo).
  std::map<std::tuple<int, int, std::vector<int>>, int> node_ids;
  int add_node(token_node n) {
    auto key = std::make_tuple(static_cast<int>(n.k), n.id, n.kids);
    if (auto it = node_ids.find(key); it != node_ids.end()) return it->second;
    switch (n.k) {
      case token_node::kind::word:
        n.need = n.id;
        break;
      case token_node::kind::word_set:
        n.need = -2 - n.id;
        break;
      default:  // sequences get theirs in plan(), once word rarity is known
        break;
    }
    nodes.push_back(std::move(n));
    const int id = static_cast<int>(nodes.size()) - 1;
    node_ids.emplace(std::move(key), id);
    return id;
  }

  // Reads the regex; false when it uses anything beyond the subset.
  bool read(const std::string& regex, token_pattern& out);
  bool triggers(int node, std::vector<int>& out) const;
  void index(int pattern, bool question);
  // How often a key (word >= 0, word set < -1) is expected on a line: the
  // number of patterns using it, times the words of a set. Triggers and
  // needs prefer the rarest.
  std::vector<long> word_uses, set_uses;
  // Alternatives: per word / word set, the (alternatives node, branch)
  // pairs whose branch needs it most (its rarest need); branches that need
  // nothing in particular, per alternatives node.
  std::vector<std::vector<std::pair<int, int>>> branches_by_word, branches_by_set;
  std::vector<std::vector<int>> branches_always;  // per node (alternatives only)
  long cost(int key) const {
    if (key >= 0) return word_uses[static_cast<std::size_t>(key)];
    const auto id = static_cast<std::size_t>(-2 - key);
    return set_uses[id] * static_cast<long>(words_of_set[id].size());
  }
  void plan();
  void match_line(std::string_view line, bool question, std::vector<int>& hits) const;

 private:
  struct reader;
  int eval_depth(int node) const;
};

// The subset's grammar (pattern_compiler writes nothing else):
//   pattern := ("^ " | " ") seq ["$"]
//   seq     := { item }
//   item    := word " " | gap_any | gap_some N "}" | "(?:" alt ")" ["?"]
//   alt     := seq { "|" seq }
struct rule_set::matcher::reader {
  matcher& m;
  std::string_view s;
  std::size_t pos = 0;
  bool failed = false;

  bool at(std::string_view t) const { return s.substr(pos, t.size()) == t; }

  int alt() {
    std::vector<int> branches;
    for (;;) {
      branches.push_back(seq());
      if (failed) return -1;
      if (pos < s.size() && s[pos] == '|') {
        ++pos;
        continue;
      }
      break;
    }
    if (branches.size() == 1) return branches[0];
    // The single-word alternatives: one word set, found once per line
    // (concept lists are mostly this); the others stay branches.
    std::vector<int> words, rest;
    for (int b : branches) {
      const token_node& n = m.nodes[static_cast<std::size_t>(b)];
      if (n.k == token_node::kind::word)
        words.push_back(n.id);
      else if (n.k == token_node::kind::word_set) {
        const auto& ws = m.words_of_set[static_cast<std::size_t>(n.id)];
        words.insert(words.end(), ws.begin(), ws.end());
      } else {
        rest.push_back(b);
      }
    }
    if (words.size() > 1) {
      std::sort(words.begin(), words.end());
      words.erase(std::unique(words.begin(), words.end()), words.end());
    }
    if (words.size() > 1) {
      auto [it, added] = m.set_ids.emplace(words, static_cast<int>(m.set_ids.size()));
      if (added) {
        for (int w : words) m.sets_of_word[static_cast<std::size_t>(w)].push_back(it->second);
        m.words_of_set.push_back(words);
      }
      rest.insert(rest.begin(), m.add_node({token_node::kind::word_set, it->second, {}}));
    } else if (words.size() == 1) {
      rest.insert(rest.begin(), m.add_node({token_node::kind::word, words[0], {}}));
    }
    if (rest.size() == 1) return rest[0];
    return m.add_node({token_node::kind::alt, -1, std::move(rest)});
  }

  int seq() {
    std::vector<int> items;
    while (pos < s.size() && s[pos] != '|' && s[pos] != ')' && !(s[pos] == '$' && pos + 1 == s.size())) {
      const int it = item();
      if (failed) return -1;
      items.push_back(it);
    }
    if (items.size() == 1) return items[0];
    return m.add_node({token_node::kind::seq, -1, std::move(items)});
  }

  int item() {
    if (at(gap_any)) {
      pos += gap_any.size();
      return m.add_node({token_node::kind::any_words, -1, {}});
    }
    if (at(gap_some)) {
      pos += gap_some.size();
      int n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') n = n * 10 + (s[pos++] - '0');
      if (!at("}") || n > 64) return fail();
      ++pos;
      return m.add_node({token_node::kind::some_words, n, {}});
    }
    if (at("(?:")) {
      pos += 3;
      const int a = alt();
      if (failed || !at(")")) return fail();
      ++pos;
      if (at("?")) {
        ++pos;
        return m.add_node({token_node::kind::opt, -1, {a}});
      }
      return a;
    }
    const std::size_t from = pos;
    while (pos < s.size() && ((s[pos] >= 'a' && s[pos] <= 'z') || (s[pos] >= '0' && s[pos] <= '9'))) ++pos;
    if (pos == from || !at(" ")) return fail();
    const int w = m.word_id(s.substr(from, pos - from));
    ++pos;
    return m.add_node({token_node::kind::word, w, {}});
  }

  int fail() {
    failed = true;
    return -1;
  }
};

int rule_set::matcher::eval_depth(int node) const {
  int d = 0;
  for (int k : nodes[static_cast<std::size_t>(node)].kids) d = std::max(d, eval_depth(k));
  return d + 1;
}

bool rule_set::matcher::read(const std::string& regex, token_pattern& out) {
  if (auto it = parsed.find(regex); it != parsed.end()) {
    if (it->second.first < 0) return false;
    out.root = it->second.first;
    out.start = regex.compare(0, 2, "^ ") == 0;
    out.end = regex.back() == '$';
    return true;
  }
  std::string_view s = regex;
  bool start = false, end = false;
  if (s.substr(0, 2) == "^ ") {
    start = true;
    s.remove_prefix(2);
  } else if (s.substr(0, 1) == " ") {
    s.remove_prefix(1);
  } else {
    parsed.emplace(regex, std::pair{-1, 0});
    return false;
  }
  if (!s.empty() && s.back() == '$') {
    end = true;
    s.remove_suffix(1);
  }
  reader r{*this, s};
  const int root = s.empty() ? -1 : r.seq();
  if (r.failed || root < 0 || r.pos != s.size()) {
    // The partial tree's nodes stay, unused (they may be shared already).
    parsed.emplace(regex, std::pair{-1, 0});
    return false;
  }
  const int d = eval_depth(root);
  depth = std::max(depth, d);
  parsed.emplace(regex, std::pair{root, d});
  out.root = root;
  out.start = start;
  out.end = end;
  return true;
}

// A pattern is tried on a line only when one of its triggers occurs there:
// a set of words and word sets at least one of which any match contains.
// A node's triggers: a word or word set itself; for a sequence, those of
// one required item (the smallest set); for alternatives, the union of the
// branches'; none (always tried) for optional items and gaps.
bool rule_set::matcher::triggers(int node, std::vector<int>& out) const {
  const token_node& n = nodes[static_cast<std::size_t>(node)];
  switch (n.k) {
    case token_node::kind::word:
      out.assign(1, n.id);
      return true;
    case token_node::kind::word_set:
      out.assign(1, -2 - n.id);
      return true;
    case token_node::kind::seq: {
      bool found = false;
      long best = 0;
      std::vector<int> t;
      for (int k : n.kids)
        if (triggers(k, t)) {
          long c = 0;
          for (int key : t) c += cost(key);
          if (!found || c < best) {
            out = t;
            best = c;
            found = true;
          }
        }
      return found;
    }
    case token_node::kind::alt: {
      std::vector<int> all, t;
      for (int k : n.kids) {
        if (!triggers(k, t)) return false;
        all.insert(all.end(), t.begin(), t.end());
      }
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      out = std::move(all);
      return true;
    }
    default:
      return false;
  }
}

void rule_set::matcher::plan() {
  word_uses.assign(word_ids.size(), 0);
  set_uses.assign(words_of_set.size(), 0);
  std::vector<int> seen(nodes.size(), -1), stack;
  for (std::size_t p = 0; p < patterns.size(); ++p) {
    stack.assign(1, patterns[p].root);
    while (!stack.empty()) {
      const int x = stack.back();
      stack.pop_back();
      if (seen[static_cast<std::size_t>(x)] == static_cast<int>(p)) continue;
      seen[static_cast<std::size_t>(x)] = static_cast<int>(p);
      const token_node& n = nodes[static_cast<std::size_t>(x)];
      if (n.k == token_node::kind::word) ++word_uses[static_cast<std::size_t>(n.id)];
      if (n.k == token_node::kind::word_set) ++set_uses[static_cast<std::size_t>(n.id)];
      stack.insert(stack.end(), n.kids.begin(), n.kids.end());
    }
  }
  // A sequence needs its rarest required word or set (children come before
  // their parents in nodes).
  for (token_node& n : nodes) {
    if (n.k != token_node::kind::seq) continue;
    n.need = -1;
    n.needs.clear();
    for (int k : n.kids) {
      const token_node& kid = nodes[static_cast<std::size_t>(k)];
      if (kid.need != -1) n.needs.push_back(kid.need);
      n.needs.insert(n.needs.end(), kid.needs.begin(), kid.needs.end());
    }
    std::sort(n.needs.begin(), n.needs.end(),
              [&](int a, int b) { return cost(a) != cost(b) ? cost(a) < cost(b) : a < b; });
    n.needs.erase(std::unique(n.needs.begin(), n.needs.end()), n.needs.end());
    if (!n.needs.empty()) {
      n.need = n.needs.front();
      n.needs.erase(n.needs.begin());
    }
  }
  branches_by_word.assign(word_ids.size(), {});
  branches_by_set.assign(words_of_set.size(), {});
  branches_always.assign(nodes.size(), {});
  for (std::size_t u = 0; u < nodes.size(); ++u) {
    if (nodes[u].k != token_node::kind::alt) continue;
    for (int k : nodes[u].kids) {
      const int need = nodes[static_cast<std::size_t>(k)].need;
      if (need == -1)
        branches_always[u].push_back(k);
      else if (need >= 0)
        branches_by_word[static_cast<std::size_t>(need)].emplace_back(static_cast<int>(u), k);
      else
        branches_by_set[static_cast<std::size_t>(-2 - need)].emplace_back(static_cast<int>(u), k);
    }
  }
  for (int line = 0; line < 2; ++line) {
    by_word[line].clear();
    by_set[line].clear();
    always[line].clear();
  }
  for (std::size_t p = 0; p < patterns.size(); ++p) index(static_cast<int>(p), patterns[p].question);
}

void rule_set::matcher::index(int pattern, bool question) {
  const int line = question ? 1 : 0;
  std::vector<int> keys;
  if (!triggers(patterns[static_cast<std::size_t>(pattern)].root, keys)) {
    always[line].push_back(pattern);
    return;
  }
  for (int key : keys) {
    auto& v = key >= 0 ? by_word[line] : by_set[line];
    const auto id = static_cast<std::size_t>(key >= 0 ? key : -2 - key);
    if (v.size() <= id) v.resize(id + 1);
    v[id].push_back(pattern);
  }
}

namespace {

// Per-thread state of one line's match; reused, so steady state allocates
// nothing.
struct line_state {
  std::size_t n = 0;                     // words on the line
  std::size_t nw = 1;                    // 64-bit words per position set (positions 0..n)
  std::vector<int> word_slot, set_slot;  // word / set id -> slot in occ, or -1
  std::vector<int> used_words, used_sets;
  std::vector<bits> occ;  // per slot: the positions where the word (set) occurs
  std::vector<bits> scratch;
  // Per node: its end positions from every start (an unanchored pattern's
  // first item), computed once per line: memo_stamp[node] == generation.
  std::vector<std::uint32_t> memo_stamp;
  std::vector<int> memo_slot;
  std::vector<bits> memo;
  const bits* start_all = nullptr;
  bits all1 = 0;            // one-word lines: positions 0..n
  std::vector<bits> memo1;  // one-word lines: per node, the memoised result
  // Per alternatives node: its branches whose rarest need occurs on this
  // line (filled from the words present; cleared through live_touched).
  std::vector<std::vector<int>> live;
  std::vector<int> live_touched;
  std::vector<std::uint32_t> stamp;  // per pattern: the generation it was queued in
  std::vector<int> queue;
  std::uint32_t generation = 0;
};

void clear(bits* b, std::size_t nw) { std::fill(b, b + nw, bits{0}); }
bool empty(const bits* b, std::size_t nw) {
  for (std::size_t i = 0; i < nw; ++i)
    if (b[i]) return false;
  return true;
}
// Keeps positions 0..n.
void mask(bits* b, const line_state& st) {
  const std::size_t last = st.n / 64;
  for (std::size_t i = last + 1; i < st.nw; ++i) b[i] = 0;
  const std::size_t r = st.n % 64;
  if (r != 63) b[last] &= (bits{1} << (r + 1)) - 1;
}
// out = (in & occ) << 1: the positions after an occurrence at a start.
void step(const bits* in, const bits* occ, bits* out, const line_state& st) {
  bits carry = 0;
  for (std::size_t i = 0; i < st.nw; ++i) {
    const bits v = in[i] & occ[i];
    out[i] = (v << 1) | carry;
    carry = v >> 63;
  }
  mask(out, st);
}

}  // namespace

namespace {

struct evaluator {
  const std::vector<token_node>& nodes;
  const std::vector<std::vector<int>>& branches_always;
  line_state& st;

  const std::vector<int>& always_of(std::size_t u) const { return branches_always[u]; }

  const bits* occ_of(const std::vector<int>& slots, int id, std::size_t base) const {
    if (static_cast<std::size_t>(id) >= slots.size()) return nullptr;
    const int slot = slots[static_cast<std::size_t>(id)];
    return slot < 0 ? nullptr : st.occ.data() + base + static_cast<std::size_t>(slot) * st.nw;
  }

  // out = the end positions of node from the start positions in; scratch:
  // free space for this node and its children (2 sets per level).
  bool present(int key) const {
    return key >= 0 ? st.word_slot[static_cast<std::size_t>(key)] >= 0
                    : key == -1 || st.set_slot[static_cast<std::size_t>(-2 - key)] >= 0;
  }
  bool possible(const token_node& n) const {
    if (!present(n.need)) return false;
    for (int key : n.needs)
      if (!present(key)) return false;
    return true;
  }

  void eval(int node, const bits* in, bits* out, bits* scratch) const {
    const token_node& n = nodes[static_cast<std::size_t>(node)];
    const std::size_t nw = st.nw;
    if (!possible(n)) return clear(out, nw);
    if (in == st.start_all && n.k != token_node::kind::word && n.k != token_node::kind::word_set) {
      const auto u = static_cast<std::size_t>(node);
      if (st.memo_stamp[u] == st.generation) {
        const bits* m = st.memo.data() + static_cast<std::size_t>(st.memo_slot[u]) * nw;
        std::copy(m, m + nw, out);
        return;
      }
      compute(node, n, in, out, scratch);
      st.memo_stamp[u] = st.generation;
      st.memo_slot[u] = static_cast<int>(st.memo.size() / nw);
      st.memo.insert(st.memo.end(), out, out + nw);
      return;
    }
    compute(node, n, in, out, scratch);
  }

  void compute(int node, const token_node& n, const bits* in, bits* out, bits* scratch) const {
    const std::size_t nw = st.nw;
    switch (n.k) {
      case token_node::kind::word:
      case token_node::kind::word_set: {
        const bits* occ =
            n.k == token_node::kind::word ? occ_of(st.word_slot, n.id, 0) : occ_of(st.set_slot, n.id, sets_base());
        if (!occ) return clear(out, nw);
        return step(in, occ, out, st);
      }
      case token_node::kind::seq: {
        bits* a = scratch;
        bits* b = scratch + nw;
        const bits* cur = in;
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
          bits* dst = i + 1 == n.kids.size() ? out : (cur == a ? b : a);
          eval(n.kids[i], cur, dst, scratch + 2 * nw);
          if (empty(dst, nw)) return clear(out, nw);
          cur = dst;
        }
        return;
      }
      case token_node::kind::alt: {
        clear(out, nw);
        bits* t = scratch;
        const auto u = static_cast<std::size_t>(node);
        for (int pass = 0; pass < 2; ++pass)
          for (int k : pass ? st.live[u] : always_of(u)) {
            eval(k, in, t, scratch + 2 * nw);
            for (std::size_t j = 0; j < nw; ++j) out[j] |= t[j];
          }
        return;
      }
      case token_node::kind::opt: {
        eval(n.kids[0], in, out, scratch + 2 * nw);
        for (std::size_t i = 0; i < nw; ++i) out[i] |= in[i];
        return;
      }
      case token_node::kind::any_words: {
        // Every position from the first start on.
        clear(out, nw);
        std::size_t i = 0;
        while (i < nw && !in[i]) ++i;
        if (i == nw) return;
        const int low = __builtin_ctzll(in[i]);
        out[i] = ~bits{0} << low;
        for (std::size_t j = i + 1; j < nw; ++j) out[j] = ~bits{0};
        return mask(out, st);
      }
      case token_node::kind::some_words: {
        // in, shifted by 0..width words.
        std::copy(in, in + nw, out);
        bits* t = scratch;
        std::copy(in, in + nw, t);
        for (int w = 0; w < n.id; ++w) {
          bits carry = 0;
          for (std::size_t i = 0; i < nw; ++i) {
            const bits v = t[i];
            t[i] = (v << 1) | carry;
            carry = v >> 63;
          }
          mask(t, st);
          if (empty(t, nw)) break;
          for (std::size_t i = 0; i < nw; ++i) out[i] |= t[i];
        }
        return;
      }
    }
  }
  std::size_t sets_base() const { return st.used_words.size() * st.nw; }

  // The same for lines of up to 63 words (nearly all): one 64-bit set,
  // passed by value. Two copies of the node semantics on purpose: this one
  // is the hot path (a third of the instructions of the general one); the
  // randomised test against re2 runs lines of both kinds through both.
  bits eval1(int node, bits in) const {
    const token_node& n = nodes[static_cast<std::size_t>(node)];
    if (!possible(n)) return 0;
    switch (n.k) {
      case token_node::kind::word:
        return ((in & *occ_of(st.word_slot, n.id, 0)) << 1) & st.all1;
      case token_node::kind::word_set:
        return ((in & *occ_of(st.set_slot, n.id, sets_base())) << 1) & st.all1;
      default:
        break;
    }
    const auto u = static_cast<std::size_t>(node);
    const bool memo = in == st.all1;
    if (memo && st.memo_stamp[u] == st.generation) return st.memo1[u];
    bits out = 0;
    switch (n.k) {
      case token_node::kind::seq:
        out = in;
        for (int k : n.kids)
          if (!(out = eval1(k, out))) break;
        break;
      case token_node::kind::alt:
        for (int k : always_of(u)) out |= eval1(k, in);
        for (int k : st.live[u]) out |= eval1(k, in);
        break;
      case token_node::kind::opt:
        out = in | eval1(n.kids[0], in);
        break;
      case token_node::kind::any_words:
        out = in ? (~bits{0} << __builtin_ctzll(in)) & st.all1 : 0;
        break;
      case token_node::kind::some_words: {
        out = in;
        bits t = in;
        for (int w = 0; w < n.id && t; ++w) out |= (t = (t << 1) & st.all1);
        break;
      }
      default:
        break;
    }
    if (memo) {
      st.memo_stamp[u] = st.generation;
      st.memo1[u] = out;
    }
    return out;
  }
};

}  // namespace

void rule_set::matcher::match_line(std::string_view line, bool question, std::vector<int>& hits) const {
  thread_local line_state st;
  const int li = question ? 1 : 0;
  // The words of the line (" w w ... "), as ids.
  thread_local std::vector<int> ids;
  ids.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    const std::size_t from = i;
    while (i < line.size() && line[i] != ' ') ++i;
    const auto it = word_ids.find(line.substr(from, i - from));
    ids.push_back(it == word_ids.end() ? -1 : it->second);
  }
  st.n = ids.size();
  st.nw = st.n / 64 + 1;
  const std::size_t nw = st.nw;
  if (st.word_slot.size() < word_ids.size()) st.word_slot.resize(word_ids.size(), -1);
  if (st.set_slot.size() < words_of_set.size()) st.set_slot.resize(words_of_set.size(), -1);
  st.used_words.clear();
  st.used_sets.clear();
  for (int id : ids) {
    if (id < 0 || st.word_slot[static_cast<std::size_t>(id)] >= 0) continue;
    st.word_slot[static_cast<std::size_t>(id)] = static_cast<int>(st.used_words.size());
    st.used_words.push_back(id);
    for (int s : sets_of_word[static_cast<std::size_t>(id)]) {
      if (st.set_slot[static_cast<std::size_t>(s)] >= 0) continue;
      st.set_slot[static_cast<std::size_t>(s)] = static_cast<int>(st.used_sets.size());
      st.used_sets.push_back(s);
    }
  }
  st.occ.assign((st.used_words.size() + st.used_sets.size()) * nw, bits{0});
  const std::size_t sets_base = st.used_words.size() * nw;
  for (std::size_t p = 0; p < ids.size(); ++p) {
    const int id = ids[p];
    if (id < 0) continue;
    const bits bit = bits{1} << (p % 64);
    st.occ[static_cast<std::size_t>(st.word_slot[static_cast<std::size_t>(id)]) * nw + p / 64] |= bit;
    for (int s : sets_of_word[static_cast<std::size_t>(id)])
      st.occ[sets_base + static_cast<std::size_t>(st.set_slot[static_cast<std::size_t>(s)]) * nw + p / 64] |= bit;
  }
  // The patterns worth trying: those whose required word or set occurs.
  if (st.stamp.size() < patterns.size()) st.stamp.resize(patterns.size(), 0);
  if (st.memo_stamp.size() < nodes.size()) {
    st.memo_stamp.resize(nodes.size(), 0);
    st.memo_slot.resize(nodes.size(), 0);
    st.live.resize(nodes.size());
    st.memo1.resize(nodes.size(), 0);
  }
  if (++st.generation == 0) {
    std::fill(st.stamp.begin(), st.stamp.end(), 0);
    std::fill(st.memo_stamp.begin(), st.memo_stamp.end(), 0);
    st.generation = 1;
  }
  st.queue.clear();
  auto queue = [&](const std::vector<int>& ps) {
    for (int p : ps)
      if (st.stamp[static_cast<std::size_t>(p)] != st.generation) {
        st.stamp[static_cast<std::size_t>(p)] = st.generation;
        st.queue.push_back(p);
      }
  };
  for (int w : st.used_words)
    if (static_cast<std::size_t>(w) < by_word[li].size()) queue(by_word[li][static_cast<std::size_t>(w)]);
  for (int s : st.used_sets)
    if (static_cast<std::size_t>(s) < by_set[li].size()) queue(by_set[li][static_cast<std::size_t>(s)]);
  queue(always[li]);
  // Scratch: start and end sets, then two per level of the deepest tree.
  st.scratch.resize(static_cast<std::size_t>(2 * depth + 4) * nw);
  st.memo.clear();
  // The live branches of alternatives, from the words and sets present.
  for (int u : st.live_touched) st.live[static_cast<std::size_t>(u)].clear();
  st.live_touched.clear();
  auto add_live = [&](const std::vector<std::pair<int, int>>& pairs) {
    for (const auto& [u, k] : pairs) {
      auto& l = st.live[static_cast<std::size_t>(u)];
      if (l.empty()) st.live_touched.push_back(u);
      l.push_back(k);
    }
  };
  for (int w : st.used_words) add_live(branches_by_word[static_cast<std::size_t>(w)]);
  for (int s : st.used_sets) add_live(branches_by_set[static_cast<std::size_t>(s)]);
  bits* start_all = st.scratch.data();
  bits* start_one = start_all + nw;
  bits* out = start_one + nw;
  bits* scratch = out + nw;
  std::fill(start_all, start_all + nw, ~bits{0});
  mask(start_all, st);
  clear(start_one, nw);
  start_one[0] = 1;
  st.start_all = start_all;
  const evaluator ev{nodes, branches_always, st};
  if (nw == 1) {
    st.all1 = start_all[0];
    for (int p : st.queue) {
      const token_pattern& tp = patterns[static_cast<std::size_t>(p)];
      const bits end = ev.eval1(tp.root, tp.start ? bits{1} : st.all1);
      if (tp.end ? (end >> st.n) & 1 : end != 0) hits.push_back(static_cast<int>(tp.ref));
    }
    for (int w : st.used_words) st.word_slot[static_cast<std::size_t>(w)] = -1;
    for (int s : st.used_sets) st.set_slot[static_cast<std::size_t>(s)] = -1;
    return;
  }
  for (int p : st.queue) {
    const token_pattern& tp = patterns[static_cast<std::size_t>(p)];
    ev.eval(tp.root, tp.start ? start_one : start_all, out, scratch);
    const bool hit = tp.end ? (out[st.n / 64] >> (st.n % 64)) & 1 : !empty(out, nw);
    if (hit) hits.push_back(static_cast<int>(tp.ref));
  }
  for (int w : st.used_words) st.word_slot[static_cast<std::size_t>(w)] = -1;
  for (int s : st.used_sets) st.set_slot[static_cast<std::size_t>(s)] = -1;
}

rule_set::rule_set() : set_(std::make_unique<matcher>()) {}
rule_set::~rule_set() = default;
rule_set::rule_set(rule_set&&) noexcept = default;
rule_set& rule_set::operator=(rule_set&&) noexcept = default;

bool rule_set::add_pattern(const std::string& regex, pattern_ref ref, std::string& error) {
  matcher& m = *set_;
  const auto ref_index = static_cast<std::uint32_t>(refs_.size());
  token_pattern tp;
  if (m.read(regex, tp)) {
    tp.ref = ref_index;
    tp.question = ref.question;
    m.patterns.push_back(tp);
  } else {
    std::string err;
    if (m.set.Add(ref.question ? question_scoped(regex) : text_scoped(regex), &err) < 0) {
      error = "re2 rejected the pattern: " + err;
      return false;
    }
    m.set_refs.push_back(ref_index);
  }
  refs_.push_back(ref);
  return true;
}

bool rule_set::add_rule(rule r, const std::vector<std::string>& all, const std::vector<std::string>& any,
                        const std::vector<std::string>& none, std::string& error) {
  const auto index = static_cast<std::uint32_t>(rules_.size());
  r.all_count = static_cast<std::uint16_t>(all.size());
  r.needs_any = !any.empty();
  for (bool question : {false, true}) {
    for (const auto& p : all)
      if (!add_pattern(p, {index, part::all, question}, error)) return false;
    for (const auto& p : any)
      if (!add_pattern(p, {index, part::any, question}, error)) return false;
    for (const auto& p : none)
      if (!add_pattern(p, {index, part::none, question}, error)) return false;
  }
  rules_.push_back(std::move(r));
  patterns_.push_back({all, any, none});
  return true;
}

int rule_set::add_cue(const std::string& regex, std::string& error, int bit) {
  if (bit >= 0 && bit < cues_) {
    if (!add_pattern(regex, {static_cast<std::uint32_t>(bit), part::cue, false}, error)) return -1;
    return bit;
  }
  if (cues_ >= max_cues) {
    error = "too many cues (senses and engine cues together: at most " + std::to_string(max_cues) + ")";
    return -1;
  }
  if (!add_pattern(regex, {static_cast<std::uint32_t>(cues_), part::cue, false}, error)) return -1;
  return cues_++;
}

void rule_set::set_re2_max_mem(std::size_t bytes) {
  if (!set_->set_refs.empty()) return;  // too late: patterns are in
  set_->set = RE2::Set(set_options(bytes), RE2::UNANCHORED);
}

bool rule_set::compile(std::string& error) {
  if (refs_.empty()) {
    error = "no patterns to compile";
    return false;
  }
  matcher& m = *set_;
  m.plan();
  // What only loading needs.
  m.parsed = {};
  m.node_ids = {};
  m.set_ids = {};
  if (!m.set_refs.empty() && !m.set.Compile()) {
    error = "re2 could not compile the rule set (out of memory)";
    return false;
  }
  return true;
}

match_status rule_set::match(std::string_view text, std::string_view question, bool has_topic, role_set named,
                             match_result& out) const {
  thread_local std::vector<int> hits;
  hits.clear();
  if (find(text, question, hits) != match_status::ok) {
    tally({}, has_topic, named, out);  // nothing fired
    return match_status::out_of_memory;
  }
  tally(hits, has_topic, named, out);
  return match_status::ok;
}

match_status rule_set::find(std::string_view text, std::string_view question, std::vector<int>& hits) const {
  const matcher& m = *set_;
  m.match_line(text, false, hits);
  if (!question.empty()) m.match_line(question, true, hits);
  if (!m.set_refs.empty()) {
    thread_local std::string both;
    thread_local std::vector<int> found;
    found.clear();
    std::string_view subject = text;
    if (!question.empty()) {
      both.assign(text).push_back('\n');
      for (char c : question) both.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      subject = both;
    }
    RE2::Set::ErrorInfo info{};
    if (!m.set.Match(subject, &found, &info) && info.kind == RE2::Set::kOutOfMemory) return match_status::out_of_memory;
    for (int f : found) hits.push_back(static_cast<int>(m.set_refs[static_cast<std::size_t>(f)]));
  }
  return match_status::ok;
}

void rule_set::tally(const std::vector<int>& hits, bool has_topic, role_set named, match_result& out) const {
  out.fired.clear();
  out.vetoed.clear();
  out.question_fired.clear();
  out.cues = 0;
  // Per rule and line: how many `all` patterns matched, whether an `any`
  // matched, whether a `none` matched. Only touched rules are examined.
  struct rule_tally {
    std::uint32_t rule;
    bool question;
    std::uint16_t all = 0;
    bool any = false;
    bool none = false;
  };
  thread_local std::vector<rule_tally> tallies;
  tallies.clear();
  for (int h : hits) {
    const pattern_ref& ref = refs_[static_cast<std::size_t>(h)];
    if (ref.kind == part::cue) {
      out.cues |= std::uint64_t{1} << ref.index;
      continue;
    }
    if (tallies.empty() || tallies.back().rule != ref.index || tallies.back().question != ref.question)
      tallies.push_back({ref.index, ref.question});
    rule_tally& t = tallies.back();
    if (ref.kind == part::all) ++t.all;
    if (ref.kind == part::any) t.any = true;
    if (ref.kind == part::none) t.none = true;
  }
  // Hits come in no particular order: group tallies by rule.
  std::sort(tallies.begin(), tallies.end(), [](const rule_tally& a, const rule_tally& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.question < b.question;
  });
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    rule_tally t = tallies[i];
    while (i + 1 < tallies.size() && tallies[i + 1].rule == t.rule && tallies[i + 1].question == t.question) {
      ++i;
      t.all = static_cast<std::uint16_t>(t.all + tallies[i].all);
      t.any = t.any || tallies[i].any;
      t.none = t.none || tallies[i].none;
    }
    const rule& r = rules_[t.rule];
    if (t.none && !t.question) out.vetoed.push_back(static_cast<int>(t.rule));
    if (t.none || t.all != r.all_count || (r.needs_any && !t.any)) continue;
    if ((r.when & when_followup) && !has_topic) continue;
    if ((r.when & when_start) && has_topic) continue;
    if ((r.when & when_no_role) && !named.empty()) continue;
    if ((r.when & when_role) && named.empty()) continue;
    if ((r.when & when_context) && named.empty() && !has_topic) continue;
    (t.question ? out.question_fired : out.fired).push_back(static_cast<int>(t.rule));
  }
}

}  // namespace advisor
