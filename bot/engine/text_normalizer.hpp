#pragma once
// A text_normalizer turns what a user typed into the canonical form the
// rules match against: lower case ASCII words separated by single spaces,
// with a space at each end (" what skill do tpm need "). On the way it
// expands contractions and abbreviations, corrects typos against the rules'
// own vocabulary, strips plurals, and rewrites multi-word phrases (role
// names above all) to canonical tokens, so "tecnical progam managers" and
// "TPMs" both become "tpm".
//
// Thread safety: immutable after construction; normalize() from any thread.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bot/engine/role.hpp"
#include "bot/engine/spell_corrector.hpp"

namespace advisor {

// What the normalizer was built from (rules/lexicon.json).
struct lexicon {
  // One typed token -> replacement words, before spelling ("what's" ->
  // "what is", "mgr" -> "manager"). Keys are lower case.
  std::unordered_map<std::string, std::string> expansions;
  // Phrase (words, after spelling and stemming) -> replacement words.
  std::vector<std::pair<std::string, std::string>> phrases;
  // Words spelling correction may produce (the rules' vocabulary).
  std::vector<std::string> vocabulary;
  // Words that are correct as typed but not in the rules (never corrected).
  std::vector<std::string> known_words;
  // Ordinary English words (rules/english_words.json): never corrected, and
  // never what a typo is corrected to ("byee" must not become "byte").
  std::vector<std::string> english_words;
  // Symbols typed for words ("<>" -> "vs", "->" -> "to"), replaced before
  // anything else; keys are the symbols as typed.
  std::vector<std::pair<std::string, std::string>> symbols;
  // Words with which people take back the role they just named ("a PM,
  // sorry, I mean a TPM"; "product managers, er, program managers"): a role
  // name, the marker and another role name (a, an, the between them
  // allowed) keep only the second; a last sentence of only a marker and a
  // role name puts that role for the one the sentences before it name.
  std::vector<std::string> self_corrections;
  // Words that set a role aside ("what skills do PMs need, not TPMs", "not
  // the PM, the TPM"): a marker, then a role name (a, an, the between them
  // allowed), in a message that names the other role too: the marker and
  // that role name are dropped, so the message is about the other role.
  std::vector<std::string> role_negations;
};

struct normalized_text {
  std::string text;         // " word word ... " (leading and trailing space)
  role_set roles;           // roles named in the text ("tpm"/"pm" tokens)
  std::size_t words = 0;    // number of words
  // A message with a preamble and a question ("I'm a new grad. What does a
  // TPM do?"): the question sentences' words alone, in the same form as
  // text; empty when the message is all questions or has none. A sentence
  // ends at '?', '!', a line break, or a '.' or ';' followed by white space.
  std::string question;
  role_set question_roles;  // roles named in the question sentences
  std::size_t question_words = 0;
  std::size_t corrections = 0;    // words spelling corrected ("responsibilites")
  std::size_t unknown_words = 0;  // words, as normalised, that no rule uses
  // Words in a script the rules cannot read (Greek, Cyrillic, Arabic,
  // Hebrew, Indic, Thai, Georgian, kana, CJK, Hangul), which text leaves out:
  // a run of such letters is a word, a run of CJK, kana or Hangul one word
  // per two characters (those scripts put no spaces between words).
  std::size_t foreign_words = 0;
};

class text_normalizer {
 public:
  text_normalizer() = default;
  explicit text_normalizer(const lexicon& lex);

  // Never fails; invalid UTF-8 and non-letters become word breaks.
  normalized_text normalize(std::string_view input) const;

  // Normalises one rule word the way input words end up (lower case,
  // stemmed), without spelling correction or phrase rewriting.
  static std::string canonical_word(std::string_view w);

 private:
  // Returns true when spelling corrected the word.
  bool append_word(std::string word, std::vector<std::string>& out) const;
  // append_word through a per-thread cache of recent words (a word always
  // normalises the same way for one normalizer); counts into out's
  // corrections and unknown_words.
  void append_cached(std::string word, std::vector<std::string>& words, normalized_text& out) const;
  // Rewrites phrases (role names above all) and appends the words to text.
  void append_phrased(const std::vector<std::string>& words, std::string& text, role_set& roles,
                      std::size_t& count) const;

  // The unknown word with "m" for "rn" ("rnetrics" -> "metrics") when that
  // is one of own_words_, else empty.
  std::string with_m_for_rn(const std::string& word) const;
  // Words run together ("howisapmssuccessmeasured"): the cheapest split of
  // the whole word into own_words_ and English words, into parts; false when
  // it does not split (parts then unspecified).
  bool split_run_together(const std::string& word, std::vector<std::string>& parts) const;

  // A word split in two ("pro duct", "man ager") is joined when the joined
  // word is one the rules use and one half is not.
  bool joins(const std::string& a, const std::string& b) const;
  void fold_symbols(std::string_view input, std::string& out) const;  // into out (reused)

  // A role name taken back by a self-correction marker is dropped from text,
  // with the marker; roles and count follow.
  // named_elsewhere: roles the rest of the message names (for a question
  // part: the whole text's), which may be the "other role" of a negation.
  void drop_taken_back(std::string& text, role_set& roles, std::size_t& count,
                       role_set named_elsewhere = role_set::none()) const;
  static constexpr std::size_t no_correction = static_cast<std::size_t>(-1);
  // A last sentence that is only a marker and a role name ("What skills does
  // a PM need... sorry, meant TPM"): where its words start (setting meant to
  // its role), else no_correction. words and sentence_of as in normalize().
  std::size_t correction_sentence(const std::vector<std::string>& words, const std::vector<std::uint32_t>& sentence_of,
                                  role_set& meant) const;
  // append_phrased of words into out's text, roles and words, where a
  // correction sentence after sentences naming one other role is dropped
  // and its role replaces that one (words, sentence_of and sentence_end are
  // cut to match). Returns {taken back, meant}, or none when nothing was.
  std::pair<role_set, role_set> append_phrased_corrected(std::vector<std::string>& words,
                                                         std::vector<std::uint32_t>& sentence_of,
                                                         std::vector<char>& sentence_end, normalized_text& out) const;
  std::vector<std::vector<std::string>> corrections_;  // self-correction markers, as normalised words
  std::vector<std::vector<std::string>> negations_;    // role negation markers, as normalised words

  std::uint64_t id_ = 0;  // tells this normalizer's cache entries from others'
  std::unordered_map<std::string, bool> vocabulary_;  // the rules' words (canonical)
  std::unordered_set<std::string> own_words_;  // vocabulary_, known words, role abbreviations ("pms")
  std::unordered_set<std::string> short_words_;  // of own_words_, the short ones a run-together word splits into
  std::unordered_set<std::string> vocabulary_heads_;  // every proper prefix of a vocabulary_ word (joins)
  std::vector<std::pair<std::string, std::string>> symbols_;  // typed symbol -> word, longest first
  std::array<bool, 256> symbol_start_{};  // bytes some symbol starts with (the rest are copied at once)
  std::array<std::vector<std::uint32_t>, 256> symbols_at_;  // per first byte: indices into symbols_, longest first

  std::unordered_map<std::string, std::vector<std::string>> expansions_;
  std::unordered_map<std::string, std::vector<std::string>> phrases_;
  std::unordered_map<std::string, std::size_t> phrase_max_len_;  // by first word
  spell_corrector speller_;
};

}  // namespace advisor
