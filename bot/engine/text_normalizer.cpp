#include "bot/engine/text_normalizer.hpp"

#include <algorithm>
#include <atomic>
#include <limits>

#include "bot/engine/stemmer.hpp"
#include "bot/engine/text_repair.hpp"

namespace advisor {
namespace {

// The plain lower-case letters of the accented Latin letter whose UTF-8
// encoding starts at in[i] (U+00C0 to U+017F: Latin-1 Supplement and
// Latin Extended-A), or nullptr.
const char* latin_letter(std::string_view in, std::size_t i) {
  if (i + 1 >= in.size()) return nullptr;
  const auto lead = static_cast<unsigned char>(in[i]);
  const auto next = static_cast<unsigned char>(in[i + 1]);
  if (lead < 0xC3 || lead > 0xC5 || (next & 0xC0) != 0x80) return nullptr;
  const unsigned cp = ((lead & 0x1Fu) << 6) | (next & 0x3Fu);
  if (cp < 0xC0) return nullptr;
  // U+00C0..U+00FF, upper and lower case alike.
  static constexpr const char* latin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
  if (cp <= 0xFF) return latin1[cp - 0xC0];
  // U+0100..U+017F: runs of one base letter, upper and lower case pairs.
  struct run {
    unsigned last;
    const char* plain;
  };
  static constexpr run extended[] = {
      {0x105, "a"}, {0x10D, "c"}, {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"},  {0x131, "i"}, {0x133, "ij"},
      {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"}, {0x151, "o"}, {0x153, "oe"}, {0x159, "r"}, {0x161, "s"},
      {0x167, "t"}, {0x173, "u"}, {0x175, "w"}, {0x178, "y"}, {0x17E, "z"}, {0x17F, "s"}};
  for (const run& r : extended)
    if (cp <= r.last) return r.plain;
  return nullptr;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Words run together are looked for in unknown words of at least this many
// letters ("andforatpm"), up to the longest (bounds the work per word).
constexpr std::size_t min_run_together = 9;
constexpr std::size_t max_run_together = 40;
// The longest word a run-together word is split into.
constexpr std::size_t longest_split_part = 20;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Sentence ends, as tokens of their own in the folded text.
constexpr char end_question = '\x01';  // a sentence with a word, ending in '?'
constexpr char end_other = '\x02';     // a sentence with a word, ending otherwise
constexpr char end_empty = '\x03';     // a sentence without words ("?!")

bool is_ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Whether in[i] ends a sentence: '?', '!', a line break, or a '.' or ';'
// followed by white space or the end.
bool ends_sentence(std::string_view in, std::size_t i) {
  const char c = in[i];
  return c == '?' || c == '!' || c == '\n' ||
         ((c == '.' || c == ';') && (i + 1 == in.size() || in[i + 1] == ' ' || in[i + 1] == '\n'));
}

// Lower-cases ASCII, maps typographic apostrophes to '\'', keeps '.' and
// '\'' for the token pass, marks sentence ends (end_question, ...) and
// turns everything else into spaces. Into out (reused), written through a
// pointer: no byte in writes more than five (" and " for '&'), and the
// last sentence end three more.
void fold(std::string_view in, std::string& out) {
  out.resize(in.size() * 5 + 3);
  char* p = out.data();
  bool sentence_has_word = false;
  auto end_sentence = [&](char how) {
    *p++ = ' ';
    *p++ = !sentence_has_word ? end_empty : how == '?' ? end_question : end_other;
    *p++ = ' ';
    sentence_has_word = false;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (ends_sentence(in, i)) {
      end_sentence(static_cast<char>(c));
      continue;
    }
    if (is_ascii_alnum(c)) sentence_has_word = true;
    if (c >= 'A' && c <= 'Z') {
      *p++ = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '.') {
      *p++ = static_cast<char>(c);
    } else if (c == '`') {
      *p++ = '\'';
    } else if (c == '@' && (p == out.data() || p[-1] == ' ')) {
      // A chat mention ("@advisor", Slack's "<@U024BE7LH>") is not part of
      // the question: skip it up to the next space or '>'.
      // Sentence ends inside it still count (each in one byte, out three).
      std::string ends;
      while (i + 1 < in.size() && in[i + 1] != ' ' && in[i + 1] != '>' && in[i + 1] != '\n') {
        ++i;
        if (ends_sentence(in, i))
          ends.push_back(in[i]);
        else if (is_ascii_alnum(static_cast<unsigned char>(in[i])))
          sentence_has_word = true;
      }
      *p++ = ' ';
      for (char e : ends) end_sentence(e);
    } else if (c == '&') {
      for (char a : std::string_view(" and ")) *p++ = a;
    } else if (const char* plain = latin_letter(in, i)) {
      // An accented Latin letter ("adiós", "dankeschön", "très"): its plain
      // letters (at most two for its two bytes), so the word stays one word
      // (sentence_has_word: a letter).
      while (*plain) *p++ = *plain++;
      sentence_has_word = true;
      ++i;
    } else if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(in[i + 2]) == 0x98 || static_cast<unsigned char>(in[i + 2]) == 0x99)) {
      *p++ = '\'';  // U+2018, U+2019
      i += 2;
    } else {
      *p++ = ' ';
    }
  }
  end_sentence('\0');
  out.resize(static_cast<std::size_t>(p - out.data()));
}

// Every role token of `from` (one role) in text becomes `to`'s.
void replace_role(std::string& text, role_set from, role_set to) {
  const std::string_view was = from.has(role::tpm) ? " tpm " : " pm ", now = to.has(role::tpm) ? " tpm " : " pm ";
  for (std::size_t at = text.find(was); at != std::string::npos; at = text.find(was, at + now.size() - 1))
    text.replace(at, was.size(), now);
}

// "t.p.m." -> "tpm"; "e.g." -> "eg"; "end.next" -> "end", "next".
void split_dots(const std::string& token, std::vector<std::string>& out) {
  if (token.find('.') == std::string::npos) {
    out.push_back(token);
    return;
  }
  std::vector<std::string> parts;
  std::string cur;
  for (char c : token) {
    if (c == '.') {
      if (!cur.empty()) parts.push_back(std::move(cur)), cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  const bool initials =
      parts.size() > 1 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return p.size() == 1; });
  if (initials) {
    std::string joined;
    for (auto& p : parts) joined += p;
    out.push_back(std::move(joined));
  } else {
    for (auto& p : parts) out.push_back(std::move(p));
  }
}

}  // namespace

std::string text_normalizer::canonical_word(std::string_view w) {
  std::string s;
  for (char c : w) s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return stem(s);
}

text_normalizer::text_normalizer(const lexicon& lex) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  for (const auto& [k, v] : lex.expansions) {
    auto& out = expansions_[k];
    for (const auto& w : split_words(v)) out.push_back(canonical_word(w));
  }
  for (const auto& [k, v] : lex.phrases) {
    auto key_words = split_words(k);
    if (key_words.empty()) continue;
    std::string key;
    for (auto& w : key_words) {
      if (!key.empty()) key.push_back(' ');
      key += canonical_word(w);
    }
    phrases_[key] = split_words(v);
    auto& m = phrase_max_len_[canonical_word(key_words.front())];
    m = std::max(m, key_words.size());
  }
  std::vector<std::string> vocab;
  for (const auto& w : lex.vocabulary) vocab.push_back(canonical_word(w));
  // Known words are right as typed, and also what a typo of them is
  // corrected to ("waht" -> "what"); expansion keys are only right as typed.
  for (const auto& w : lex.known_words) vocab.push_back(canonical_word(w));
  std::vector<std::string> known;
  for (const auto& [k, v] : expansions_) known.push_back(k);
  known.insert(known.end(), lex.english_words.begin(), lex.english_words.end());
  for (const auto& w : lex.vocabulary) vocabulary_.emplace(canonical_word(w), true);
  // The advisor's own words: those of the rules, the known words, and the
  // abbreviations of a role ("pms", "tpgm"). Of them, the words of three
  // letters or fewer that a run-together word may split into are the known
  // words ("a", "is", "for") and the role names, not the rules' odd short
  // words ("ni", "ag", single letters).
  for (const auto& [w, _] : vocabulary_) own_words_.insert(w);
  for (const auto& w : lex.known_words) {
    own_words_.insert(canonical_word(w));
    if (w.size() <= 3) short_words_.insert(canonical_word(w));
  }
  for (const auto& [k, v] : expansions_)
    if (v.size() == 1 && (v[0] == "tpm" || v[0] == "pm")) own_words_.insert(k), short_words_.insert(k);
  short_words_.insert({"tpm", "pm"});
  for (const auto& [w, _] : vocabulary_)
    for (std::size_t n = 1; n < w.size(); ++n) vocabulary_heads_.emplace(w, 0, n);
  symbols_ = lex.symbols;
  std::sort(symbols_.begin(), symbols_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });  // longest first
  for (std::size_t k = 0; k < symbols_.size(); ++k)
    if (const std::string& sym = symbols_[k].first; !sym.empty()) {
      symbol_start_[static_cast<unsigned char>(sym[0])] = true;
      symbols_at_[static_cast<unsigned char>(sym[0])].push_back(static_cast<std::uint32_t>(k));
    }
  speller_ = spell_corrector(vocab, known, {});
  // The markers in the words normalize() writes (after the speller exists).
  for (const auto& [markers, out] : {std::pair{&lex.self_corrections, &corrections_}, {&lex.role_negations, &negations_}})
    for (const auto& m : *markers) {
      std::vector<std::string> words;
      for (const auto& w : split_words(normalize(m).text)) words.push_back(w);
      if (!words.empty()) out->push_back(std::move(words));
    }
}

void text_normalizer::append_cached(std::string word, std::vector<std::string>& words, normalized_text& out) const {
  struct cached_word {
    std::vector<std::string> words;  // what the word normalises to
    bool corrected = false;          // by spelling
    std::uint8_t unknown = 0;        // of words, those no rule uses
  };
  struct word_cache {
    std::uint64_t owner = 0;
    std::unordered_map<std::string, cached_word> words;
  };
  constexpr std::size_t max_words = 8192;  // then start over: bounded memory per thread
  thread_local word_cache cache;
  if (cache.owner != id_) {
    cache.words.clear();
    cache.owner = id_;
  }
  auto it = cache.words.find(word);
  if (it == cache.words.end()) {
    cached_word c;
    c.corrected = append_word(word, c.words);
    for (const auto& w : c.words) c.unknown += !vocabulary_.count(w);
    if (cache.words.size() >= max_words) cache.words.clear();
    it = cache.words.emplace(std::move(word), std::move(c)).first;
  }
  words.insert(words.end(), it->second.words.begin(), it->second.words.end());
  out.corrections += it->second.corrected;
  out.unknown_words += it->second.unknown;
}

bool text_normalizer::append_word(std::string word, std::vector<std::string>& out) const {
  // Apostrophes: expansions first ("what's"), then possessives, then drop.
  while (!word.empty() && word.front() == '\'') word.erase(word.begin());
  while (!word.empty() && word.back() == '\'') word.pop_back();
  if (word.empty()) return false;
  if (auto it = expansions_.find(word); it != expansions_.end()) {
    for (const auto& w : it->second) out.push_back(w);
    return false;
  }
  if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0) word.resize(word.size() - 2);
  word.erase(std::remove(word.begin(), word.end(), '\''), word.end());
  if (word.empty()) return false;
  if (auto it = expansions_.find(word); it != expansions_.end()) {
    for (const auto& w : it->second) out.push_back(w);
    return false;
  }
  const bool has_digit = std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (has_digit && word.size() >= 3 && !speller_.is_known(word)) {
    // Digits typed for letters ("wh4t", "m4n4g3r", "r3sp0ns1b1l1t13s"): read
    // as letters when that gives a word the advisor knows, else kept ("3pm",
    // "2fa", "q4").
    std::string letters = word;
    int from_digits = 0;
    for (char& c : letters) {
      static constexpr std::string_view digits = "013457", as = "oieast";
      if (const auto k = digits.find(c); k != std::string_view::npos) c = as[k], ++from_digits;
    }
    const bool all_letters = std::all_of(letters.begin(), letters.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (all_letters && static_cast<std::size_t>(from_digits) < letters.size() &&
        (speller_.is_known(letters) || speller_.is_known(stem(letters)) || expansions_.count(letters) != 0))
      return append_word(std::move(letters), out);
  }
  std::string s = stem(word);
  bool corrected = false;
  if (!has_digit && !speller_.is_known(s) && !speller_.is_known(word)) {
    // "rn" read for "m" (OCR, a small font: "rnetrics", "Prograrn"): the
    // word with "m" when the advisor's own words have it.
    if (std::string m = with_m_for_rn(word); !m.empty()) {
      append_word(std::move(m), out);
      return true;
    }
    // Correct the stem ("responsibilites" -> "responsibility"), else the
    // word as typed, whose stem may be too short ("focs" -> "focus").
    std::string c = speller_.correct(s);
    if (c == s) c = stem(speller_.correct(word));
    if (c == s) {
      // A key held too long ("dutiess", "skilll"): try without repeats.
      std::string once;
      for (char ch : word)
        if (once.empty() || once.back() != ch) once.push_back(ch);
      if (once != word) {
        const std::string t = stem(once);
        if (speller_.is_known(t))
          c = t;
        else if (std::string k = speller_.correct(t); k != t)
          c = std::move(k);
      }
    }
    // Words run together ("howisapmssuccessmeasured"): each of them.
    if (c == s && word.size() >= min_run_together)
      if (std::vector<std::string> parts; split_run_together(word, parts)) {
        for (auto& part : parts) append_word(std::move(part), out);
        return true;
      }
    corrected = c != s;
    s = std::move(c);
  }
  if (auto it = expansions_.find(s); it != expansions_.end() && s != word) {
    for (const auto& w : it->second) out.push_back(w);
    return corrected;
  }
  out.push_back(std::move(s));
  return corrected;
}

std::string text_normalizer::with_m_for_rn(const std::string& word) const {
  if (word.size() < 4 || word.find("rn") == std::string::npos) return {};  // not "rn" (right now)
  auto known = [this](const std::string& w) { return own_words_.count(w) || own_words_.count(stem(w)); };
  std::string all;  // every "rn" as "m"
  for (std::size_t i = 0; i < word.size(); ++i) {
    const bool rn = word.compare(i, 2, "rn") == 0;
    all.push_back(rn ? 'm' : word[i]);
    i += rn;
  }
  if (known(all)) return all;
  // One "rn" as "m", the others kept ("rnodern" -> "modern").
  std::string one;
  for (std::size_t at = word.find("rn"); at != std::string::npos; at = word.find("rn", at + 1)) {
    one.assign(word, 0, at).push_back('m');
    one.append(word, at + 2);
    if (known(one)) return one;
  }
  return {};
}

bool text_normalizer::split_run_together(const std::string& word, std::vector<std::string>& parts) const {
  const std::size_t n = word.size();
  if (n > max_run_together) return false;
  // A part costs 2 when it is one of the advisor's own words (of three
  // letters or fewer: one of short_words_), 5 when it is an ordinary English
  // word of four letters or more: the cheapest split prefers the advisor's
  // words and fewer of them ("and for a tpm", not "and fora tpm").
  thread_local std::string part;
  auto cost = [&](std::size_t from, std::size_t len) {
    part.assign(word, from, len);
    if (len <= 3) return short_words_.count(part) ? 2 : 0;
    if (own_words_.count(part) || (part.back() == 's' && own_words_.count(stem(part)))) return 2;
    return speller_.is_known(part) ? 5 : 0;
  };
  constexpr int unreached = std::numeric_limits<int>::max();
  thread_local std::vector<int> best;           // best[i]: least cost of word[0, i)
  thread_local std::vector<std::size_t> start;  // start[i]: where the last part of that split starts
  best.assign(n + 1, unreached);
  start.assign(n + 1, 0);
  best[0] = 0;
  for (std::size_t from = 0; from < n; ++from) {
    if (best[from] == unreached) continue;
    for (std::size_t len = 1; len <= longest_split_part && from + len <= n; ++len)
      if (const int c = cost(from, len); c != 0 && best[from] + c < best[from + len]) {
        best[from + len] = best[from] + c;
        start[from + len] = from;
      }
  }
  if (best[n] == unreached) return false;
  parts.clear();
  for (std::size_t end = n; end > 0; end = start[end]) parts.emplace_back(word, start[end], end - start[end]);
  std::reverse(parts.begin(), parts.end());
  // A compound or a word the lists lack ("onboarding", "careeradvice",
  // "hereinafter", British "organising") splits into two or three words
  // too: a sentence run together has four or more, or three with a role
  // ("whoarepms", "tpmcareerpath").
  auto is_role = [this](const std::string& p) {
    const auto e = expansions_.find(p);
    const std::string& w = e != expansions_.end() && e->second.size() == 1 ? e->second[0] : p;
    return w == "tpm" || w == "pm" || stem(w) == "tpm" || stem(w) == "pm";
  };
  return parts.size() >= 4 || (parts.size() == 3 && std::any_of(parts.begin(), parts.end(), is_role));
}

void text_normalizer::append_phrased(const std::vector<std::string>& words, std::string& text, role_set& roles,
                                     std::size_t& count) const {
  text.push_back(' ');
  std::string key;
  auto note_role = [&roles](const std::string& w) {
    if (w == "tpm") roles = roles | role_set::of(role::tpm);
    if (w == "pm") roles = roles | role_set::of(role::pm);
  };
  for (std::size_t i = 0; i < words.size();) {
    std::size_t taken = 0;
    if (auto m = phrase_max_len_.find(words[i]); m != phrase_max_len_.end()) {
      for (std::size_t len = std::min(m->second, words.size() - i); len >= 1 && taken == 0; --len) {
        key = words[i];
        for (std::size_t j = 1; j < len; ++j) key.append(" ").append(words[i + j]);
        if (auto p = phrases_.find(key); p != phrases_.end()) {
          for (const auto& w : p->second) {
            text.append(w).push_back(' ');
            ++count;
            note_role(w);
          }
          taken = len;
        }
      }
    }
    if (taken == 0) {
      const auto& w = words[i];
      note_role(w);
      if (!w.empty() && is_alnum(w[0])) {
        text.append(w).push_back(' ');
        ++count;
      }
      taken = 1;
    }
    i += taken;
  }
}

void text_normalizer::fold_symbols(std::string_view input, std::string& out) const {
  out.clear();
  out.reserve(input.size() + 8);
  for (std::size_t i = 0; i < input.size();) {
    if (!symbol_start_[static_cast<unsigned char>(input[i])]) {
      // The run of bytes up to the next one that may start a symbol, at once.
      std::size_t end = i + 1;
      while (end < input.size() && !symbol_start_[static_cast<unsigned char>(input[end])]) ++end;
      out.append(input, i, end - i);
      i = end;
      continue;
    }
    bool replaced = false;
    for (const std::uint32_t k : symbols_at_[static_cast<unsigned char>(input[i])])
      if (const auto& [sym, word] = symbols_[k]; input.compare(i, sym.size(), sym) == 0) {
        out.append(" ").append(word).append(" ");
        i += sym.size();
        replaced = true;
        break;
      }
    if (!replaced) out.push_back(input[i++]);
  }
}

bool text_normalizer::joins(const std::string& a, const std::string& b) const {
  auto letters = [](const std::string& w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  if (!letters(a) || !letters(b) || a.size() + b.size() < 6) return false;
  // stem() changes at most the last three letters: with b that long, the
  // joined word's stem starts with a, so a must begin a vocabulary word.
  if (b.size() >= 3 && !vocabulary_heads_.count(a)) return false;
  if (expansions_.count(a) || expansions_.count(b)) return false;
  if (!vocabulary_.count(stem(a + b))) return false;
  return !vocabulary_.count(stem(a)) || !vocabulary_.count(stem(b));
}

std::size_t text_normalizer::correction_sentence(const std::vector<std::string>& words,
                                                 const std::vector<std::uint32_t>& sentence_of, role_set& meant) const {
  if (corrections_.empty() || words.empty()) return no_correction;
  std::size_t from = words.size();
  while (from > 0 && sentence_of[from - 1] == sentence_of.back()) --from;
  if (from == 0) return no_correction;  // the only sentence
  for (const auto& m : corrections_) {
    if (words.size() - from <= m.size() || !std::equal(m.begin(), m.end(), words.begin() + static_cast<long>(from)))
      continue;
    const auto rest = words.begin() + static_cast<long>(from + m.size());
    // After the marker: a role name, with at most two of a, an, the before it.
    thread_local std::string text;
    text.clear();
    std::size_t count = 0;
    meant = role_set::none();
    append_phrased(std::vector<std::string>(rest, words.end()), text, meant, count);
    if (meant.count() != 1 || count > 3) continue;
    bool fillers_then_role = true;
    for (std::size_t i = 1, n = 0; i < text.size(); i = text.find(' ', i) + 1, ++n) {
      const std::string_view w(text.data() + i, text.find(' ', i) - i);
      fillers_then_role =
          fillers_then_role && (n + 1 == count ? role_from_name(w) == meant : w == "a" || w == "an" || w == "the");
    }
    if (fillers_then_role) return from;
  }
  return no_correction;
}

std::pair<role_set, role_set> text_normalizer::append_phrased_corrected(std::vector<std::string>& words,
                                                                        std::vector<std::uint32_t>& sentence_of,
                                                                        std::vector<char>& sentence_end,
                                                                        normalized_text& out) const {
  role_set meant;
  const std::size_t from = correction_sentence(words, sentence_of, meant);
  if (from == no_correction) {
    append_phrased(words, out.text, out.roles, out.words);
    return {};
  }
  thread_local std::vector<std::string> tail;
  tail.assign(std::make_move_iterator(words.begin() + static_cast<long>(from)), std::make_move_iterator(words.end()));
  words.resize(from);
  append_phrased(words, out.text, out.roles, out.words);
  if (out.roles.count() == 1 && out.roles != meant) {
    // The role the other sentences name is the one taken back; the
    // correction is no sentence of its own any more.
    const role_set taken_back = out.roles;
    replace_role(out.text, taken_back, meant);
    out.roles = meant;
    if (sentence_of[from] < sentence_end.size()) sentence_end[sentence_of[from]] = end_empty;
    sentence_of.resize(from);
    return {taken_back, meant};
  }
  // No role before it, or both: read as typed.
  words.insert(words.end(), std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.end()));
  out.text.clear();
  out.roles = role_set::none();
  out.words = 0;
  append_phrased(words, out.text, out.roles, out.words);
  return {};
}

void text_normalizer::drop_taken_back(std::string& text, role_set& roles, std::size_t& count,
                                      role_set named_elsewhere) const {
  // It takes two different role names (the other may be named in the rest
  // of the message: a question part's role set aside).
  if ((corrections_.empty() && negations_.empty()) || !(roles | named_elsewhere).is_both()) return;
  thread_local std::vector<std::string_view> t;
  t.clear();
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t from = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > from) t.emplace_back(text.data() + from, i - from);
  }
  auto is_role = [](std::string_view w) { return w == "tpm" || w == "pm"; };
  auto is_filler = [](std::string_view w) { return w == "a" || w == "an" || w == "the"; };
  constexpr std::size_t npos = static_cast<std::size_t>(-1);
  // The nearest role from `at` in direction `step` with at most two fillers
  // on the way, or npos.
  auto role_near = [&](std::size_t at, int step) {
    for (int fillers = 0; at < t.size(); at += static_cast<std::size_t>(step)) {
      if (is_role(t[at])) return at;
      if (!is_filler(t[at]) || ++fillers > 2) return npos;
    }
    return npos;
  };
  thread_local std::vector<char> drop;
  drop.assign(t.size(), 0);
  bool dropped = false;
  for (std::size_t k = 1; k < t.size(); ++k)
    for (const auto& m : corrections_) {
      if (k + m.size() >= t.size() || !std::equal(m.begin(), m.end(), t.begin() + static_cast<long>(k))) continue;
      const std::size_t before = role_near(k - 1, -1), after = role_near(k + m.size(), +1);
      if (before == npos || after == npos || t[before] == t[after]) continue;
      for (std::size_t i = before; i < after; ++i) drop[i] = 1;
      dropped = true;
      break;
    }
  // A role set aside ("... PMs need, not TPMs"): the marker and the role go
  // when the other role stays named without one.
  std::size_t negated[2] = {0, 0}, named[2] = {0, 0};  // per role: tpm 0, pm 1
  thread_local std::vector<std::size_t> negation_at;   // per token: marker start + 1, or 0
  negation_at.assign(t.size(), 0);
  auto is_verb_before_not = [](std::string_view w) {
    for (const char* v : {"is", "are", "am", "was", "were", "be", "do", "doe", "does", "did", "can", "could", "should",
                          "would", "will", "must", "may", "might", "ha", "has", "have", "had"})
      if (w == v) return true;
    return false;
  };
  // "is a TPM not a PM?", "in what way are TPMs not PMs": a copula before
  // the role named before the marker (a, an, the between them allowed).
  auto copula_before = [&](std::size_t role) {
    for (std::size_t i = role, fillers = 0; i-- > 0;) {
      if (t[i] == "is" || t[i] == "are" || t[i] == "am") return true;
      if (!is_filler(t[i]) || ++fillers > 2) return false;
    }
    return false;
  };
  // Not a contrast asked about: "why TPM and not PM?", "why TPMs, not PMs?".
  const bool contrast = !t.empty() && t[0] == "why";
  for (std::size_t k = 0; k < t.size() && !dropped && !contrast; ++k)
    for (const auto& m : negations_) {
      if (k + m.size() >= t.size() || !std::equal(m.begin(), m.end(), t.begin() + static_cast<long>(k))) continue;
      // "and not" asks about the contrast; "are not", "is not" deny a verb;
      // "is a TPM not a PM" asks whether one is the other.
      if (k > 0 && m.front() == "not" && (t[k - 1] == "and" || is_verb_before_not(t[k - 1]))) break;
      if (const std::size_t b = role_near(k - (k > 0), -1); k > 0 && b != npos && copula_before(b)) break;
      // The longest marker first ("but not"): a shorter one inside it
      // ("not") does not move the start.
      if (const std::size_t r = role_near(k + m.size(), +1); r != npos && negation_at[r] == 0) negation_at[r] = k + 1;
      break;
    }
  for (std::size_t i = 0; i < t.size(); ++i)
    if (is_role(t[i])) {
      const std::size_t r = t[i] == "pm" ? 1 : 0;
      if (negation_at[i]) ++negated[r];
      else ++named[r];
    }
  for (std::size_t i = 0; i < t.size() && !dropped; ++i) {
    if (!negation_at[i]) continue;
    const std::size_t self = t[i] == "pm" ? 1 : 0, other = 1 - self;
    const bool other_named = named[other] != 0 || named_elsewhere.has(other == 0 ? role::tpm : role::pm);
    if (!other_named || named[self] != 0 || negated[other] != 0) continue;
    for (std::size_t j = negation_at[i] - 1; j <= i; ++j) drop[j] = 1;
  }
  dropped = dropped || std::find(drop.begin(), drop.end(), 1) != drop.end();
  if (!dropped) return;
  std::string kept(" ");
  roles = role_set::none();
  count = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (drop[i]) continue;
    kept.append(t[i]).push_back(' ');
    ++count;
    if (t[i] == "tpm") roles = roles | role_set::of(role::tpm);
    if (t[i] == "pm") roles = roles | role_set::of(role::pm);
  }
  text = std::move(kept);
}

namespace {

// The code point of the UTF-8 sequence at s[i] and its length (a stray or
// cut byte: the byte itself, length 1).
std::pair<char32_t, std::size_t> code_point(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  auto cont = [&](std::size_t n) {
    for (std::size_t k = 1; k <= n; ++k)
      if (i + k >= s.size() || (b(k) & 0xC0) != 0x80) return false;
    return true;
  };
  if (c >= 0xC2 && c <= 0xDF && cont(1)) return {static_cast<char32_t>(((c & 0x1F) << 6) | (b(1) & 0x3F)), 2};
  if (c >= 0xE0 && c <= 0xEF && cont(2))
    return {static_cast<char32_t>(((c & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)), 3};
  if (c >= 0xF0 && c <= 0xF4 && cont(3))
    return {static_cast<char32_t>(((c & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F)), 4};
  return {c, 1};
}

// 0: not a letter of a script the rules cannot read; 1: an alphabet with
// spaces between words; 2: CJK, kana or Hangul (no spaces between words).
int foreign_letter(char32_t c) {
  if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x0400 && c <= 0x052F) || (c >= 0x0530 && c <= 0x05FF) ||
      (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x0900 && c <= 0x0EFF) ||
      (c >= 0x10A0 && c <= 0x10FF))
    return 1;
  if (c == 0x30FB) return 0;  // the katakana middle dot: punctuation
  if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF))
    return 2;
  return 0;
}

std::size_t count_foreign_words(std::string_view s) {
  std::size_t words = 0, run = 0;
  int kind = 0;
  // A lone letter is no word: kaomoji borrow them ("(´・ω・`)", "ヾ").
  auto end_run = [&] {
    if (run > 1) words += kind == 2 ? (run + 1) / 2 : 1;
    run = 0;
  };
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII (the common case)
      end_run();
      ++i;
      continue;
    }
    const auto [c, n] = code_point(s, i);
    i += n;
    const int k = foreign_letter(c);
    if (k == 0 || (run > 0 && k != kind)) end_run();
    if (k != 0) {
      kind = k;
      ++run;
    }
  }
  end_run();
  return words;
}

}  // namespace

normalized_text text_normalizer::normalize(std::string_view input) const {
  // What pasting did to the text first (percent-encoding, HTML entities,
  // mojibake, styled letters), so symbols and letters are read as typed.
  thread_local std::string repaired, repair_scratch, symbolled, folded;
  const std::string_view text = repair_text(input, repaired, repair_scratch);
  if (!symbols_.empty()) fold_symbols(text, symbolled);
  fold(symbols_.empty() ? text : std::string_view(symbolled), folded);
  // Words, each with its sentence: spelling and expansions run once per
  // word; phrases are rewritten over the whole text and, for a message with
  // a preamble, over its question sentences alone.
  thread_local std::vector<std::string> raw, words, question;
  thread_local std::vector<std::uint32_t> sentence_of;  // per word
  thread_local std::vector<char> sentence_end;          // per sentence
  raw.clear();
  words.clear();
  question.clear();
  sentence_of.clear();
  sentence_end.clear();
  normalized_text out;
  out.foreign_words = count_foreign_words(text);
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) split_dots(cur, raw), cur.clear();
  };
  // Tokens of one sentence at a time: split words are joined within it.
  auto end_sentence = [&] {
    flush();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (i + 1 < raw.size() && joins(raw[i], raw[i + 1])) {
        raw[i + 1] = raw[i] + raw[i + 1];
        continue;
      }
      append_cached(std::move(raw[i]), words, out);
    }
    raw.clear();
    sentence_of.resize(words.size(), static_cast<std::uint32_t>(sentence_end.size()));
  };
  auto is_end = [](char c) { return c == end_question || c == end_other || c == end_empty; };
  for (std::size_t i = 0; i < folded.size();) {
    const char c = folded[i];
    if (c == ' ') {
      flush();
      ++i;
    } else if (is_end(c)) {
      end_sentence();
      sentence_end.push_back(c);
      ++i;
    } else {  // a token's characters, at once
      std::size_t end = i + 1;
      while (end < folded.size() && folded[end] != ' ' && !is_end(folded[end])) ++end;
      cur.append(folded, i, end - i);
      i = end;
    }
  }
  end_sentence();

  out.text.reserve(input.size() + 8);
  const auto [taken_back, meant] = append_phrased_corrected(words, sentence_of, sentence_end, out);
  drop_taken_back(out.text, out.roles, out.words);
  const bool has_question = std::find(sentence_end.begin(), sentence_end.end(), end_question) != sentence_end.end();
  const bool has_other = std::find(sentence_end.begin(), sentence_end.end(), end_other) != sentence_end.end();
  if (has_question && has_other) {
    for (std::size_t i = 0; i < words.size(); ++i)
      if (sentence_of[i] < sentence_end.size() && sentence_end[sentence_of[i]] == end_question)
        question.push_back(words[i]);
    append_phrased(question, out.question, out.question_roles, out.question_words);
    if (taken_back.count() == 1 && out.question_roles == taken_back) {
      replace_role(out.question, taken_back, meant);
      out.question_roles = meant;
    }
    // A role the question sets aside while the preamble names the other
    // ("I'm a PM. What skills do I need, not TPM skills?") goes too.
    drop_taken_back(out.question, out.question_roles, out.question_words, out.roles);
    if (out.question_words == 0) out.question.clear();
  }
  return out;
}

}  // namespace advisor
