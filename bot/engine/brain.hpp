#pragma once
// A brain is the advisor's compiled, immutable knowledge: the rules (with
// their concepts, role vocabulary and spelling vocabulary) and the knowledge
// base drawn from the article. It maps one utterance plus the conversation's
// context to a reply.
//
// Thread safety: a loaded brain is immutable; answer() may be called from any
// number of threads at once, each with its own conversation. Share it as
// std::shared_ptr<const brain>; a reload builds a new brain and swaps the
// pointer.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/conversation.hpp"
#include "bot/engine/load_report.hpp"
#include "bot/engine/reply.hpp"

namespace advisor {

struct confidence_features;  // calibration.hpp

// Options of one answer() call.
struct answer_options {
  bool explain = false;  // fill reply.why (protocol 1.1 `explain`); no cost when false
  // When set, receives how the reply was reached: the features its
  // confidence is calibrated on (converse_eval --fit-calibration reads them).
  confidence_features* features = nullptr;
};

// The first message of a conversation (protocol `welcome`).
struct welcome_message {
  std::string text;
  std::vector<std::string> suggestions;
};

// How the engine builds its matchers.
struct engine_options {
  // re2's memory budget for each of the engine's sets of expressions (the
  // trait patterns, the rules' raw `re:` patterns; each single trait or cue
  // expression gets a quarter). Rules that do not fit fail to load; a search
  // that outgrows it is answered as a fallback (rule engine.match_error) or,
  // for a single expression, run without the DFA.
  std::size_t re2_max_mem = std::size_t{32} << 20;
  // Texts per thread whose normalised form and pattern matches are kept
  // (rounded up to a power of two; 0: none), so a text seen again (a
  // greeting, "thanks", the common questions) skips both steps. Only the
  // text decides them, so answers are the same with or without; texts over
  // 512 bytes are never kept.
  std::size_t text_cache = 1024;
};

class brain {
 public:
  // Loads rules/*.json from rules_dir and knowledge/*.json from
  // knowledge_dir, validates everything and compiles the matchers. Returns
  // nullptr when report holds any problem (all problems are reported, not
  // just the first).
  static std::shared_ptr<const brain> load(const std::filesystem::path& rules_dir,
                                           const std::filesystem::path& knowledge_dir, load_report& report,
                                           const engine_options& options = {});

  ~brain();
  brain(const brain&) = delete;
  brain& operator=(const brain&) = delete;

  // Answers one utterance and updates conv (last topical intent and roles).
  // Never throws for any input text (invalid UTF-8 included).
  reply answer(std::string_view text, conversation& conv, const answer_options& options = {}) const;

  // How many answers so far could not be matched because re2 ran out of
  // memory (each was answered as a fallback with rule "engine.match_error");
  // callers log it and export it as a metric. Never decreases.
  std::uint64_t match_errors() const;
  // The rule id of a reply given when the matcher failed (re2 out of memory).
  static constexpr std::string_view match_error_rule = "engine.match_error";

  const welcome_message& welcome() const;
  // A short content hash of the loaded rules and knowledge files.
  const std::string& version() const;
  // Every intent name the brain can answer with.
  const std::vector<std::string>& intent_names() const;
  // The normalised form of text the rules match against (for rule authors:
  // `advisor --explain`).
  std::string explain(std::string_view text) const;
  // Number of compiled rules (for logs and benchmarks).
  std::size_t rule_count() const;

  struct impl;

 private:
  explicit brain(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace advisor
