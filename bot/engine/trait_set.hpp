#pragma once
// A trait_set is rules/traits.json compiled: what people say about
// themselves (likes, dislikes, strengths, weaknesses, background, what they
// want from work), each trait pointing to the role the article's contrasts
// favour ("tpm", "pm") or to "neither" (the article is silent, or gives it
// to both roles), with the article section and verbatim evidence; the cues
// that tell how a statement is said (for or against); the cues of a choice
// question; the career-fit questionnaire; and the depth follow-ups.
//
// Thread safety: immutable after load(); match from any thread.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/load_report.hpp"

namespace advisor {

class pattern_compiler;

struct trait_def {
  std::string id;
  std::string points_to;              // "tpm", "pm" or "neither"
  std::string because;                // condensed from the article; empty: the article is silent
  std::string section;                // heading; empty for "neither"
  std::vector<std::string> evidence;  // verbatim article excerpts
  bool blank = false;                 // its matched words are not read by later traits
};

// One statement recognised in a message.
struct trait_match {
  int trait;        // index into traits()
  bool liked;       // said for it (true) or against it (false)
  bool cued;        // a cue in its clause said how (else it may follow the clause before)
  std::string said; // the person's words (the clause it was found in)
};

struct quiz_option {
  std::string chip;
  std::string trait;
  bool liked = true;
};

struct quiz_question {
  std::string ask;
  std::vector<quiz_option> options;
};

class trait_set {
 public:
  trait_set();
  ~trait_set();
  trait_set(trait_set&&) noexcept;
  trait_set& operator=(trait_set&&) noexcept;

  // Reads rules_dir/traits.json (absent: an empty set, no advice), compiles
  // its patterns with pc (so their words join the spelling vocabulary) and
  // checks every evidence excerpt against the article named by
  // knowledge_dir/knowledge.json and every section against its headings.
  // re2_max_mem: the set of all trait patterns may use this much; each
  // single expression a quarter (engine_options, bot/engine/brain.hpp).
  void load(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge_dir,
            pattern_compiler& pc, std::size_t re2_max_mem, load_report& report);
  bool empty() const { return traits_.empty(); }

  const std::vector<trait_def>& traits() const { return traits_; }
  int find(std::string_view id) const;

  // Quick tests over a whole normalised text (" word word ").
  bool any_trait(std::string_view norm) const;
  bool asks_choice(std::string_view norm) const;
  bool is_more(std::string_view norm) const;
  bool is_example(std::string_view norm) const;
  bool is_summary(std::string_view norm) const;
  bool is_skip(std::string_view norm) const;
  // A clause that takes back what the message said before it ("scratch
  // that", "forget what I said"): polarity's "retract".
  bool is_retraction(std::string_view norm) const;
  // 1 / 2 for "the first" / "the second", else 0.
  int pick(std::string_view norm) const;

  // The statements in one normalised clause; said is filled by the caller.
  void match_clause(std::string_view norm, std::vector<trait_match>& out) const;

  const std::string& quiz_intro() const { return quiz_intro_; }
  const std::vector<quiz_question>& questions() const { return questions_; }
  const std::vector<std::string>& typical_answers() const { return typical_; }
  // The article's paragraphs by section heading (for depth), in article order.
  const std::vector<std::pair<std::string, std::string>>& paragraphs() const { return paragraphs_; }

 private:
  struct compiled;
  std::unique_ptr<compiled> c_;
  std::vector<trait_def> traits_;
  std::string quiz_intro_;
  std::vector<quiz_question> questions_;
  std::vector<std::string> typical_;
  std::vector<std::pair<std::string, std::string>> paragraphs_;
};

}  // namespace advisor
