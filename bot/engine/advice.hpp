#pragma once
// The advice step: what turns the advisor from a reciter into an advisor.
// It runs around the intent rules (two calls in brain::answer):
//  - before(): follow-ups that go deeper ("why?", "tell me more", "for
//    example?") keep the last intent and roles and answer from the
//    article's evidence, the table rows and the full passages, never the
//    same text twice in a row; "summarize"/"tl;dr" gets the short comparison.
//  - after(): a person describing themselves (with a choice question, or
//    inside a choosing conversation) gets choosing_role with `advice` (fit,
//    one reason per statement, each from the article); with nothing known,
//    "Which role suits me?" starts the career-fit questionnaire.
// Traits, cues and questions are data (rules/traits.json, see trait_set).
//
// Thread safety: immutable after load(); before()/after() from any thread,
// each with its own conversation.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/conversation.hpp"
#include "bot/engine/load_report.hpp"
#include "bot/engine/reply.hpp"
#include "bot/engine/trait_set.hpp"

namespace advisor {

class knowledge_base;
class pattern_compiler;
class text_normalizer;
struct normalized_text;

class advice_engine {
 public:
  // Loads rules_dir/traits.json (see trait_set::load); intent_names is the
  // brain's intent table (conversations keep intents by name).
  // re2_max_mem: see engine_options (bot/engine/brain.hpp).
  void load(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge_dir,
            pattern_compiler& pc, const std::vector<std::string>& intent_names, std::size_t re2_max_mem,
            load_report& report);

  // What before() and after() read from a message alone (the brain keeps
  // it with the text's analysis, so a text seen again skips it).
  struct text_facts {
    bool summary = false;   // asks for a summary of both roles
    bool more = false;      // "tell me more", "why?"
    bool example = false;   // "for example?" (and not `more`)
    bool traits = false;    // some trait pattern matches
    bool question = false;  // a '?' or an opening like a question's ("what ...")
    bool me = false;        // first person ("i", "my", ...)
  };
  text_facts facts(std::string_view text, const normalized_text& norm) const;

  // Before the rules. Resolves the conversation's last intent by name, and
  // answers a depth follow-up or a summary request (nullopt: the rules answer).
  // f: facts(text, norm).
  std::optional<reply> before(const normalized_text& norm, const text_facts& f, conversation& conv,
                              const knowledge_base& kb) const;
  // After the rules answered r: relabels and fills advice, runs the
  // questionnaire, keeps a reply from repeating the last one, and records
  // the turn's topic by name.
  void after(std::string_view text, const normalized_text& norm, const text_facts& f, conversation& conv,
             const knowledge_base& kb, const text_normalizer& nz, reply& r) const;

  const trait_set& traits() const { return traits_; }

  // The advice for a profile (empty profile: nullopt). For tests and tools.
  std::optional<reply_advice> advise(const std::vector<profile_entry>& profile) const;
  // The statements recognised in one message (said = the person's words).
  std::vector<trait_match> statements(std::string_view text, const text_normalizer& nz) const;

 private:
  int intent_index(std::string_view name) const;
  std::string depth_text(const knowledge_base& kb, const std::string& intent, role_set roles, int level,
                         const conversation& conv) const;
  std::string advice_text(const knowledge_base& kb, const reply_advice& a, role_set roles) const;
  std::string advice_depth_text(const reply_advice& a, const std::vector<profile_entry>& profile) const;

  trait_set traits_;
  std::vector<std::string> intent_names_;
};

}  // namespace advisor
