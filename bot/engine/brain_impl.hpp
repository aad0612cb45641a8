#pragma once
// The inside of a brain, shared by its three parts: loading
// (brain_loader.cpp), answering with scoring (brain.cpp, scoring.cpp) and
// composing replies (composer.cpp). Not for use outside bot/engine.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bot/engine/advice.hpp"
#include "bot/engine/brain.hpp"
#include "bot/engine/calibration.hpp"
#include "bot/engine/knowledge_base.hpp"
#include "bot/engine/rule_set.hpp"
#include "bot/engine/scoring.hpp"
#include "bot/engine/soft_stage.hpp"
#include "bot/engine/text_normalizer.hpp"

namespace advisor {

// The canonical question of a topical intent per role, used to suggest it.
struct role_questions {
  std::string tpm;
  std::string pm;
  std::string both;

  const std::string& for_roles(role_set roles) const {
    if (roles.is_both() || roles.empty()) return both;
    return roles.has(role::tpm) ? tpm : pm;
  }
};

// One intent of rules' "intents" catalogue.
struct intent_def {
  std::string name;
  bool topical = false;
  role_policy roles = role_policy::resolve;
  bool both_first = false;  // compose: the "both" text leads
  role_questions ask;
};

// The cues the engine reads for role resolution; each is a concept in
// rules/ of the same name.
enum class engine_cue : std::uint8_t { both_roles, other_role, compare };
inline constexpr engine_cue engine_cues[] = {engine_cue::both_roles, engine_cue::other_role, engine_cue::compare};
inline const char* cue_concept(engine_cue c) {
  switch (c) {
    case engine_cue::both_roles: return "both_roles";
    case engine_cue::other_role: return "other_role";
    case engine_cue::compare: return "compare";
  }
  return "";
}

// The match bit of each engine cue.
struct cue_bits {
  std::uint64_t both_roles = 0;
  std::uint64_t other_role = 0;
  std::uint64_t compare = 0;

  std::uint64_t& operator[](engine_cue c) {
    return c == engine_cue::both_roles ? both_roles : c == engine_cue::other_role ? other_role : compare;
  }
};

// Another sense of a role acronym (rules' "senses"): its words veto the
// role reading.
struct other_sense {
  std::string name;
  std::uint64_t bit = 0;  // its cue bit
  bool always = false;    // vetoes even with a job context
  std::string file;
  int line = 0;
};

struct brain::impl {
  std::vector<intent_def> intents;
  std::vector<std::string> intent_names;
  std::map<std::string, int> intent_index;
  std::vector<std::string> says;  // meta answer names used by rules' "say"
  text_normalizer normalizer;
  rule_set rules;
  knowledge_base kb;
  welcome_message welcome;
  std::string version;
  cue_bits cues;
  std::vector<other_sense> senses;
  std::uint64_t sense_mask = 0;        // the cue bits of all senses
  std::uint64_t job_context_bit = 0;   // the cue bit of the concept job_context (0: none)
  scoring_options scoring;
  calibration answer_calibration;  // how an answer (not a fallback) was reached -> P(right)
  int empty_intent = -1;  // answer to text with no words at all ("?")
  int role_definition = -1;
  int fallback = -1;
  advice_engine advice;  // traits, profile, questionnaire, depth (advice.hpp)
  soft_stage soft;       // the examples: the intent of a message no rule answers (soft_stage.hpp)
  std::uint64_t generation = 0;  // unique to this loaded brain: the text cache's entries carry it
  std::size_t text_cache = 0;    // slots per thread, a power of two >= 2 (engine_options); 0: none
  mutable std::atomic<std::uint64_t> match_errors{0};

  int find_intent(const std::string& name) const {
    auto it = intent_index.find(name);
    return it == intent_index.end() ? -1 : it->second;
  }
  const intent_def& intent(int i) const { return intents[static_cast<std::size_t>(i)]; }

  // composer.cpp: the reply for an intent, its roles and confidence; say is
  // a meta answer index replacing the intent's text (or -1); runner_up an
  // intent offered as the first suggestion (or -1).
  reply compose(int intent, role_set roles, double confidence, const std::string& rule_id, int say,
                int runner_up) const;
  // composer.cpp: the fixed parts of every topical intent's reply for tpm,
  // pm and both (topical_parts), written once after loading.
  void precompose();
  std::vector<reply_json_parts> topical_parts;  // [intent * 3 + (tpm 0, pm 1, both 2)]
  std::string ask(int intent, role_set roles) const;

  // explainer.cpp: what answer() saw and decided, for reply.why.
  struct trace {
    std::string_view text;
    const normalized_text* norm = nullptr;
    const match_result* match = nullptr;     // null: not matched
    const scored_intents* scored = nullptr;  // null: not scored
    int winner = -1;                         // winning rule index, or -1
    std::string vetoed_by;                   // the other sense that vetoed the role reading
    bool context_used = false;               // the previous topical turn decided the reply
    int last_intent = -1;
    role_set last_roles;
    bool explain = false;   // answer() will call explain(): answer_rules keeps what it needs
    scored_intents kept{};  // the scores, kept past answer_rules when explain is set
    confidence_features features{};  // how the reply was reached (calibration.hpp)
    int soft_example = -1;           // the soft stage answered: its most similar example
  };
  reply_why explain(const trace& t, const reply& r) const;
  // brain.cpp: the rules' answer (normalised once by answer(), which hands
  // the result to the advice step); fills tr for explain().
  // What the text alone decides: its normalised form and the patterns it
  // matches (the question line included). Kept per thread for texts seen
  // again (text_cache); valid until the next analyse() on the thread.
  struct analysis {
    std::uint64_t generation = 0;  // of the brain that filled it; 0: empty
    std::uint64_t used = 0;        // when last used (the thread's count of look-ups)
    std::string key;               // the text as received
    normalized_text norm;
    std::string question;  // the question line matched: the question, or empty (answer_rules)
    std::vector<int> hits;
    match_status status = match_status::ok;
    advice_engine::text_facts facts;  // what the advice step reads from the text
  };
  static constexpr std::size_t max_cached_text = 512;
  const analysis& analyse(std::string_view text) const;
  reply answer_rules(const analysis& a, conversation& conv, trace& tr) const;
  // brain.cpp: the features of a rules' answer (or a role-only one, with no
  // winner) that the match and the scores tell.
  void describe_answer(confidence_features& f, double score, const scored_intents& scored, const rule* winner,
                       const match_result& m) const;
};

}  // namespace advisor
