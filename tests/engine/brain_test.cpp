#include "bot/engine/brain.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/conversation_cases.hpp"

namespace fs = std::filesystem;
using advisor::brain;
using advisor::conversation;
using advisor::load_report;
using advisor::role;
using advisor::role_set;

namespace {

const fs::path source_dir = ADVISOR_SOURCE_DIR;

std::shared_ptr<const brain> shipped() {
  static std::shared_ptr<const brain> b = [] {
    load_report report;
    auto loaded = brain::load(source_dir / "rules", source_dir / "knowledge", report);
    INFO(report.to_string());
    REQUIRE(loaded);
    return loaded;
  }();
  return b;
}

// A scratch copy of the shipped rules and knowledge, removed on scope exit.
struct scratch_copy {
  fs::path dir;
  scratch_copy() {
    static int n = 0;
    dir = fs::temp_directory_path() / ("advisor-brain-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(source_dir / "rules", dir / "rules", fs::copy_options::recursive);
    fs::copy(source_dir / "knowledge", dir / "knowledge", fs::copy_options::recursive);
  }
  ~scratch_copy() { fs::remove_all(dir); }
  std::string read(const std::string& rel) const {
    std::ifstream in(dir / rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(dir / rel) << text; }
  void replace(const std::string& rel, const std::string& from, const std::string& to) const {
    std::string s = read(rel);
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    s.replace(pos, from.size(), to);
    write(rel, s);
  }
  std::string load_problems() const {
    load_report report;
    auto b = brain::load(dir / "rules", dir / "knowledge", report);
    CHECK_FALSE(b);
    return report.to_string();
  }
};

}  // namespace

TEST_CASE("shipped rules and knowledge load cleanly", "[engine]") {
  auto b = shipped();
  CHECK(b->rule_count() > 50);
  CHECK(b->version().size() == 12);
  CHECK_FALSE(b->welcome().text.empty());
  CHECK(b->welcome().suggestions.size() <= 5);
}

TEST_CASE("every topical intent answers for tpm, pm and both with sources", "[engine]") {
  // The canonical questions the advisor itself suggests (rules/intents.json
  // "ask") must come back as that intent and those roles, with sources.
  auto b = shipped();
  struct ask {
    const char* text;
    const char* intent;
    role_set roles;
  };
  const auto tpm = role_set::of(role::tpm), pm = role_set::of(role::pm), both = role_set::both();
  const ask asks[] = {
      {"What does a TPM do?", "role_definition", tpm}, {"What does a Product Manager do?", "role_definition", pm},
      {"What are the TPM and PM roles?", "role_definition", both},
      {"What does a TPM focus on?", "primary_focus", tpm}, {"What does a PM focus on?", "primary_focus", pm},
      {"How does the focus of a TPM and a PM differ?", "primary_focus", both},
      {"What are a TPM's responsibilities?", "responsibilities", tpm},
      {"What are a PM's responsibilities?", "responsibilities", pm},
      {"How do TPM and PM responsibilities differ?", "responsibilities", both},
      {"How technical does a TPM need to be?", "technical_expertise", tpm},
      {"How technical does a PM need to be?", "technical_expertise", pm},
      {"How technical are TPMs compared with PMs?", "technical_expertise", both},
      {"What skills does a TPM need?", "skills", tpm}, {"What skills does a PM need?", "skills", pm},
      {"How do TPM and PM skills differ?", "skills", both},
      {"How is a TPM's success measured?", "key_metrics", tpm}, {"How is a PM's success measured?", "key_metrics", pm},
      {"How is success measured for TPMs and PMs?", "key_metrics", both},
      {"Who does a TPM work with?", "stakeholders", tpm}, {"Who does a PM work with?", "stakeholders", pm},
      {"Who do TPMs and PMs interact with?", "stakeholders", both},
      {"How does a TPM make decisions?", "decision_making", tpm}, {"How does a PM make decisions?", "decision_making", pm},
      {"How do TPMs and PMs make decisions?", "decision_making", both},
      {"What is a typical day for a TPM?", "day_to_day", tpm}, {"What is a typical day for a PM?", "day_to_day", pm},
      {"What does a typical day look like for TPMs and PMs?", "day_to_day", both},
      {"How does a TPM collaborate with cross-functional teams?", "collaboration", tpm},
      {"How does a PM collaborate with cross-functional teams?", "collaboration", pm},
      {"How do TPMs and PMs collaborate with cross-functional teams?", "collaboration", both},
      {"What is the career path for a TPM?", "career_path", tpm}, {"What is the career path for a PM?", "career_path", pm},
      {"How do TPM and PM career paths differ?", "career_path", both},
      {"What is a TPM's impact on the product development lifecycle?", "lifecycle_impact", tpm},
      {"What is a PM's impact on the product development lifecycle?", "lifecycle_impact", pm},
      {"How do TPMs and PMs shape the product development lifecycle?", "lifecycle_impact", both},
      {"Is the TPM role right for me?", "choosing_role", tpm}, {"Is the PM role right for me?", "choosing_role", pm},
      {"Which role suits me, TPM or PM?", "choosing_role", both},
      {"TPM vs PM?", "comparison", both}, {"What do TPMs and PMs have in common?", "similarities", both},
  };
  for (const auto& a : asks) {
    conversation c;
    auto r = b->answer(a.text, c);
    INFO(a.text << " -> " << r.intent << " (" << r.rule << ")");
    CHECK(r.intent == a.intent);
    CHECK(r.roles == a.roles);
    CHECK_FALSE(r.sources.empty());
    CHECK_FALSE(r.text.empty());
  }
}

TEST_CASE("every suggestion the advisor makes is a question it understands", "[engine]") {
  auto b = shipped();
  std::vector<std::string> seen;
  const char* starters[] = {"hi", "help", "TPM vs PM?", "what does a tpm do", "pm skills", "what's the weather",
                            "career path for product managers", "how are TPMs measured", "thanks"};
  for (const char* q : starters) {
    conversation c;
    for (const auto& s : b->answer(q, c).suggestions) seen.push_back(s);
  }
  for (const auto& s : b->welcome().suggestions) seen.push_back(s);
  REQUIRE(seen.size() > 10);
  for (const auto& s : seen) {
    conversation c;
    auto r = b->answer(s, c);
    INFO(s << " -> " << r.intent);
    CHECK(r.intent != "fallback");
  }
}

TEST_CASE("a single-role answer covers that role and cites the article", "[engine]") {
  conversation c;
  auto r = shipped()->answer("What skills does a product manager need?", c);
  CHECK(r.intent == "skills");
  CHECK(r.roles == role_set::of(role::pm));
  REQUIRE_FALSE(r.sources.empty());
  CHECK(r.sources[0] == "Essential Skills and Competencies");
  CHECK_FALSE(r.text.empty());
  CHECK(r.confidence > 0.5);
  CHECK(r.confidence <= 1.0);
  CHECK_FALSE(r.rule.empty());
  CHECK(r.suggestions.size() <= 5);
  CHECK_FALSE(r.table);
}

TEST_CASE("a comparison covers both roles side by side with a table", "[engine]") {
  conversation c;
  auto r = shipped()->answer("TPM vs PM?", c);
  CHECK(r.intent == "comparison");
  CHECK(r.roles == role_set::both());
  CHECK(r.text.find("Technical Program Manager") != std::string::npos);
  CHECK(r.text.find("Product Manager") != std::string::npos);
  REQUIRE(r.table);
  CHECK(r.table->columns.size() == 3);
  CHECK(r.table->rows.size() == 6);
  CHECK(std::find(r.sources.begin(), r.sources.end(), "Table of Comparison") != r.sources.end());
}

TEST_CASE("follow-ups inherit intent and roles, meta turns do not reset", "[engine]") {
  auto b = shipped();
  conversation c;
  CHECK(b->answer("what does a tpm focus on", c).intent == "primary_focus");
  auto r = b->answer("what about product managers?", c);
  CHECK(r.intent == "primary_focus");
  CHECK(r.roles == role_set::of(role::pm));
  CHECK(b->answer("thanks!", c).intent == "thanks");
  r = b->answer("and their skills?", c);
  CHECK(r.intent == "skills");
  CHECK(r.roles == role_set::of(role::pm));
  r = b->answer("same for the other one", c);
  CHECK(r.intent == "skills");
  CHECK(r.roles == role_set::of(role::tpm));
  c.reset();
  r = b->answer("and their skills?", c);
  CHECK(r.roles == role_set::both());  // no context after reset
}

TEST_CASE("off-topic chat gets fallback with suggestions, never a topical answer", "[engine]") {
  auto b = shipped();
  for (const char* q : {"what's the weather in Paris", "tell me a joke", "asdfgh qwerty", "who won the world cup",
                        "What does a data scientist do?", "How much does a TPM earn?"}) {
    conversation c;
    auto r = b->answer(q, c);
    INFO(q);
    CHECK(r.intent == "fallback");
    CHECK(r.roles.empty());
    CHECK(r.sources.empty());
    CHECK_FALSE(r.suggestions.empty());
    CHECK_FALSE(c.has_topic());
  }
}

TEST_CASE("answer never throws on hostile input", "[engine]") {
  auto b = shipped();
  conversation c;
  const std::string inputs[] = {std::string(5000, 'a'), std::string("\xFF\xFE\x00\x01", 4), "((((", "~skill",
                                "re:.*", std::string(300, ' '), "tpm tpm tpm pm pm vs vs vs"};
  for (const auto& in : inputs) CHECK_NOTHROW(b->answer(in, c));
}

TEST_CASE("loading reports every problem with file and rule id", "[engine]") {
  scratch_copy s;
  s.write("rules/broken.json", R"({"rules": [
    {"id": "bad.pattern", "intent": "skills", "all": ["(skill|competency"]},
    {"id": "bad.intent", "intent": "skils", "all": ["skill"]},
    {"id": "skills.word", "intent": "skills", "all": ["skill"]},
    {"id": "bad.concept", "intent": "skills", "all": ["~nosuchconcept"]},
    {"id": "bad.weight", "intent": "skills", "weight": 3, "all": ["skill"]},
    {"id": "bad.regex", "intent": "skills", "all": ["re:(unclosed"]}
  ]})");
  const std::string problems = s.load_problems();
  INFO(problems);
  CHECK(problems.find("broken.json:2: 'bad.pattern': all pattern '(skill|competency': missing ')'") != std::string::npos);
  CHECK(problems.find("broken.json:3: 'bad.intent': unknown intent 'skils'") != std::string::npos);
  CHECK(problems.find("'skills.word': duplicate rule id") != std::string::npos);
  CHECK(problems.find("'bad.concept': all pattern '~nosuchconcept': unknown concept") != std::string::npos);
  CHECK(problems.find("'bad.weight': 'weight' must be a number in [0, 1]") != std::string::npos);
  CHECK(problems.find("'bad.regex': all pattern 're:(unclosed': bad regular expression") != std::string::npos);
}

TEST_CASE("loading reports missing knowledge for an intent and role", "[engine]") {
  scratch_copy s;
  std::string k = s.read("knowledge/knowledge.json");
  // Rename the pm entry of key_metrics so it is missing.
  const auto topic = k.find("\"key_metrics\"");
  REQUIRE(topic != std::string::npos);
  const auto pm = k.find("\"pm\"", topic);
  REQUIRE(pm != std::string::npos);
  k.replace(pm, 4, "\"pmx\"");
  s.write("knowledge/knowledge.json", k);
  const std::string problems = s.load_problems();
  INFO(problems);
  CHECK(problems.find("missing knowledge for intent 'key_metrics', role pm") != std::string::npos);
}

TEST_CASE("loading rejects knowledge whose evidence is not in the article", "[engine]") {
  scratch_copy s;
  std::string k = s.read("knowledge/knowledge.json");
  const auto ev = k.find("\"evidence\"");
  REQUIRE(ev != std::string::npos);
  const auto quote = k.find('"', k.find('[', ev));
  k.insert(quote + 1, "Invented claim: ");
  s.write("knowledge/knowledge.json", k);
  CHECK(s.load_problems().find("evidence is not verbatim in the article") != std::string::npos);
}

TEST_CASE("loading reports JSON syntax errors with their line", "[engine]") {
  scratch_copy s;
  s.write("rules/zz_syntax.json", "{\n  \"rules\": [\n    {\"id\": \"x\",, }\n  ]\n}\n");
  const std::string problems = s.load_problems();
  INFO(problems);
  CHECK(problems.find("zz_syntax.json:3: invalid JSON") != std::string::npos);
}

TEST_CASE("version changes when the rules change", "[engine]") {
  scratch_copy s;
  load_report r1;
  auto a = brain::load(s.dir / "rules", s.dir / "knowledge", r1);
  REQUIRE(a);
  s.write("rules/zz_extra.json", R"({"rules": [{"id": "extra", "intent": "skills", "all": ["zzzextra"]}]})");
  load_report r2;
  auto b = brain::load(s.dir / "rules", s.dir / "knowledge", r2);
  REQUIRE(b);
  CHECK(a->version() != b->version());
}

TEST_CASE("a question after a preamble is answered for what it asks", "[engine]") {
  auto b = shipped();
  {
    // "interviewing" in the preamble would be a not-covered topic on its own.
    conversation c;
    auto r = b->answer("My client is interviewing for a TPM role next month. Can you summarise what a TPM is?", c);
    CHECK(r.intent == "role_definition");
    CHECK(r.roles == role_set::of(role::tpm));
  }
  {
    // Roles named in the question win over roles named in passing.
    conversation c;
    auto r = b->answer("I have worked with product managers for years. What skills does a TPM need?", c);
    CHECK(r.intent == "skills");
    CHECK(r.roles == role_set::of(role::tpm));
  }
  {
    // A question naming no role asks about the preamble's roles.
    conversation c;
    auto r = b->answer("My VP wants me to explain what a TPM is and what a PM is. Can you give me a short "
                       "definition of each?", c);
    CHECK(r.intent == "role_definition");
    CHECK(r.roles == role_set::both());
  }
  {
    // Without a question mark the whole message counts alike.
    conversation c;
    auto r = b->answer("Hello, I'd love to know how Technical Program Managers and Product Managers differ. Thanks!", c);
    CHECK(r.intent == "comparison");
  }
}

TEST_CASE("times of day are not the PM role", "[engine]") {
  conversation c;
  auto r = shipped()->answer("remind me at 3 pm to call my mom", c);
  CHECK(r.intent == "fallback");
  CHECK(r.roles.empty());
}

TEST_CASE("a rule with 'after' fires only right after one of its intents", "[engine]") {
  auto b = shipped();
  conversation c;
  REQUIRE(b->answer("What do TPMs and PMs have in common?", c).intent == "similarities");
  auto r = b->answer("and the differences?", c);
  CHECK(r.intent == "comparison");  // the opposite of the similarities, not "similarities for both"
  CHECK(r.roles == role_set::both());

  conversation d;
  REQUIRE(b->answer("Who do PMs work with?", d).intent == "stakeholders");
  auto s = b->answer("diff?", d);
  CHECK(s.intent == "stakeholders");  // that aspect compared
  CHECK(s.roles == role_set::both());
}

TEST_CASE("a message with no words is a fallback with no confidence", "[engine]") {
  conversation c;
  auto r = shipped()->answer("?", c);
  CHECK(r.intent == "fallback");
  CHECK(r.confidence == 0.0);
  CHECK(!r.suggestions.empty());
}

TEST_CASE("explain fills why only when asked", "[engine]") {
  advisor::load_report report;
  auto b = advisor::brain::load(ADVISOR_SOURCE_DIR "/rules", ADVISOR_SOURCE_DIR "/knowledge", report);
  INFO(report.to_string());
  REQUIRE(b);
  advisor::conversation c;
  CHECK_FALSE(b->answer("what skills does a tpm need", c).why);
  advisor::conversation d;
  const auto r = b->answer("waht skills does a tecnical program manager need", d, {.explain = true});
  REQUIRE(r.why);
  CHECK(r.why->rule == r.rule);
  CHECK(r.why->normalized.find("tpm") != std::string::npos);
  CHECK(r.why->file.starts_with("rules/"));  // as a rule author names it, not the absolute path
  CHECK(r.why->file.ends_with(".json"));
  CHECK(r.why->line > 0);
  CHECK_FALSE(r.why->matched.empty());
  bool corrected = false;
  for (const auto& x : r.why->corrections) corrected = corrected || (x.from == "tecnical" && x.to == "technical");
  CHECK(corrected);
  CHECK_FALSE(r.why->context);
  // A follow-up names the previous topical turn it used.
  const auto f = b->answer("and for pms?", d, {.explain = true});
  REQUIRE(f.why);
  REQUIRE(f.why->context);
  CHECK(f.why->context->intent == r.intent);
}

TEST_CASE("other senses of the acronyms are not answered as the jobs", "[engine]") {
  advisor::load_report report;
  auto b = advisor::brain::load(ADVISOR_SOURCE_DIR "/rules", ADVISOR_SOURCE_DIR "/knowledge", report);
  REQUIRE(b);
  for (const char* text : {"how do i enable tpm 2.0 in bios for windows 11", "what are the 8 pillars of TPM in lean manufacturing",
                           "can we do the sync at 3 pm instead", "who is the pm of canada right now",
                           "pm2.5 levels in delhi today", "pm me the slides when u get a chance",
                           "my openai tpm limit is 30k, how do i get it raised", "tell me a joke about product managers",
                           "gift ideas for my pm who's leaving the team?"}) {
    advisor::conversation c;
    const auto r = b->answer(text, c);
    INFO(text << " -> " << r.intent << " " << r.rule);
    CHECK(r.intent == "fallback");
    CHECK(r.roles.empty());
  }
  advisor::conversation c;
  CHECK(b->answer("TPM?", c).intent == "role_definition");
}

TEST_CASE("confidence is sent with two decimals", "[engine]") {
  advisor::load_report report;
  auto b = advisor::brain::load(ADVISOR_SOURCE_DIR "/rules", ADVISOR_SOURCE_DIR "/knowledge", report);
  REQUIRE(b);
  for (const char* text : {"what skills does a tpm need", "hi", "tpm vs pm", "TPM?", "what is the weather"}) {
    advisor::conversation c;
    const double conf = b->answer(text, c).confidence;
    CHECK(std::abs(conf * 100.0 - std::round(conf * 100.0)) < 1e-9);
  }
}

TEST_CASE("re2's memory budget: rules that do not fit fail to load, a budget that fits answers the same",
          "[engine]") {
  load_report tiny;
  CHECK(brain::load(source_dir / "rules", source_dir / "knowledge", tiny, {.re2_max_mem = 4096}) == nullptr);
  CHECK(!tiny.ok());
  CHECK(tiny.to_string().find("memory") != std::string::npos);

  load_report small_report;
  const auto small = brain::load(source_dir / "rules", source_dir / "knowledge", small_report,
                                 {.re2_max_mem = std::size_t{1} << 20});
  REQUIRE(small);
  const auto& usual = shipped();
  for (const char* text : {"what does a tpm do", "I love coding but hate sales calls. TPM or PM?", "tpm vs pm?",
                           "is a TPM 2.0 chip needed for windows 11", "hello!"}) {
    conversation a, b;
    const advisor::reply x = small->answer(text, a), y = usual->answer(text, b);
    INFO(text);
    CHECK(x.intent == y.intent);
    CHECK(x.text == y.text);
    CHECK(x.confidence == y.confidence);
  }
}

namespace {

// Everything a reply says, as one string (the text cache must change none of it).
std::string whole_reply(const advisor::reply& r) {
  std::ostringstream out;
  out << r.intent << '|' << r.text << '|' << r.confidence << '|' << r.rule << '|' << r.clarify << '|';
  for (const auto& x : r.roles.names()) out << x << ',';
  for (const auto& x : r.sources) out << x << ';';
  for (const auto& x : r.suggestions) out << x << ';';
  if (r.table)
    for (const auto& row : r.table->rows)
      for (const auto& cell : row) out << cell << ';';
  if (r.advice) {
    out << r.advice->fit;
    for (const auto& x : r.advice->reasons) out << x.said << '>' << x.points_to << ';';
  }
  if (r.why) {
    out << '|' << r.why->normalized << '|' << r.why->rule << '|' << r.why->matched << '|';
    for (const auto& c : r.why->corrections) out << c.from << '>' << c.to << ';';
    for (const auto& x : r.why->runner_up) out << x.intent << ';';
  }
  return out.str();
}

}  // namespace

TEST_CASE("the text cache changes no answer: every conversation file, twice, against a brain without it",
          "[engine]") {
  load_report r1, r2;
  const auto uncached = brain::load(source_dir / "rules", source_dir / "knowledge", r1, {.text_cache = 0});
  const auto cached = brain::load(source_dir / "rules", source_dir / "knowledge", r2, {.text_cache = 64});
  REQUIRE(uncached);
  REQUIRE(cached);
  std::vector<advisor::testing::conversation_case> cases;
  for (const auto& e : fs::directory_iterator(source_dir / "tests" / "conversations"))
    for (auto& c : advisor::testing::read_cases(e.path())) cases.push_back(std::move(c));
  REQUIRE(cases.size() > 1000);
  std::size_t turns = 0, differ = 0;
  // Twice: the second pass meets texts the cache has kept (64 slots per
  // thread: also texts that collide and replace each other).
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& c : cases) {
      conversation a, b;
      for (const auto& t : c.turns) {
        const bool explain = turns % 3 == 0;
        const auto x = uncached->answer(t.text, a, {.explain = explain});
        const auto y = cached->answer(t.text, b, {.explain = explain});
        ++turns;
        if (whole_reply(x) != whole_reply(y)) {
          ++differ;
          UNSCOPED_INFO(c.id << ": " << t.text);
        }
      }
    }
  CHECK(turns > 6000);
  CHECK(differ == 0);
}

TEST_CASE("the text cache keeps a text's analysis for the brain that made it, not for another brain", "[engine]") {
  // Two brains on one thread: the scratch copy knows a word the shipped
  // rules do not. What one brain worked out for a text is not the other's.
  scratch_copy copy;
  copy.write("rules/zz_cache_test.json",
             R"({"rules": [{"id": "greeting.cache_test", "intent": "greeting", "weight": 1.0,
                            "all": ["zorblaxian"]}]})");
  load_report report;
  const auto other = brain::load(copy.dir / "rules", copy.dir / "knowledge", report);
  INFO(report.to_string());
  REQUIRE(other);
  const auto usual = shipped();
  for (int round = 0; round < 3; ++round) {
    conversation a, b;
    CHECK(usual->answer("zorblaxian", a).intent == "fallback");
    CHECK(other->answer("zorblaxian", b).intent == "greeting");
  }
  // A brain loaded again from the same files is another brain too, and
  // answers the same.
  load_report again_report;
  const auto again = brain::load(copy.dir / "rules", copy.dir / "knowledge", again_report);
  REQUIRE(again);
  conversation c;
  CHECK(again->answer("zorblaxian", c).intent == "greeting");
}

TEST_CASE("a role named with nothing else recognised, and the calibration unsure, is not answered as the role",
          "[engine]") {
  // settings.role_only_below (rules/intents.json): a role-only answer whose
  // calibrated confidence is below it falls back. "TPM?" alone still gets
  // the short definition.
  const auto usual = shipped();
  {
    conversation c;
    const auto r = usual->answer("PM xqzt vrbl plonk frazzle wibbet?", c);
    CHECK(r.intent == "fallback");
    CHECK(r.roles.empty());
    CHECK(r.rule.empty());
  }
  {
    conversation c;
    const auto r = usual->answer("TPM?", c);
    CHECK(r.intent == "role_definition");
    CHECK(r.rule == "engine.role_only");
  }
  // The same message with the setting at 0: the role reading as before.
  scratch_copy copy;
  copy.replace("rules/intents.json", "\"role_only_below\": 0.3", "\"role_only_below\": 0");
  load_report report;
  const auto without = brain::load(copy.dir / "rules", copy.dir / "knowledge", report);
  INFO(report.to_string());
  REQUIRE(without);
  conversation c;
  const auto r = without->answer("PM xqzt vrbl plonk frazzle wibbet?", c);
  CHECK(r.intent == "role_definition");
  CHECK(r.rule == "engine.role_only");
  CHECK(r.confidence < 0.3);
}

TEST_CASE("the soft stage answers a follow-up no rule knows from the example questions, and only then",
          "[engine]") {
  // rules/examples.json, settings soft_min and soft_margin: a message no rule
  // answers, during a topic and naming no role, gets the intent of the most
  // similar example questions when one is clearly ahead.
  const auto usual = shipped();
  {
    conversation c;
    REQUIRE(usual->answer("What does a TPM do?", c).intent == "role_definition");
    const auto r = usual->answer("how geeky do they have to be?", c, {.explain = true});
    CHECK(r.intent == "technical_expertise");
    CHECK(r.roles == role_set::of(role::tpm));  // the topic's role
    CHECK(r.rule == "soft.technical_expertise");
    CHECK(r.confidence < 0.5);  // no rule recognised it: described as a role-only answer
    REQUIRE(r.why);
    CHECK(r.why->file == "rules/examples.json");
    CHECK(r.why->matched == "How geeky do they need to be?");
  }
  {  // a message about something else shares a word or two, not enough
    conversation c;
    usual->answer("What does a TPM do?", c);
    const auto r = usual->answer("what's the weather like?", c);
    CHECK(r.intent == "fallback");
  }
  {  // a role named during a topic continues the topic: not the soft stage's
    conversation c;
    usual->answer("What skills does a TPM need?", c);
    const auto r = usual->answer("and PMs?", c);
    CHECK(r.intent == "skills");
    CHECK(r.rule.rfind("soft.", 0) != 0);
  }
  // Without the examples the follow-up is not recognised.
  scratch_copy copy;
  fs::remove(copy.dir / "rules" / "examples.json");
  load_report report;
  const auto without = brain::load(copy.dir / "rules", copy.dir / "knowledge", report);
  INFO(report.to_string());
  REQUIRE(without);
  conversation c;
  without->answer("What does a TPM do?", c);
  CHECK(without->answer("how geeky do they have to be?", c).intent == "fallback");
}

TEST_CASE("examples for an intent that is not topical are a load problem", "[engine]") {
  scratch_copy s;
  s.replace("rules/examples.json", "\"role_definition\": [", "\"greeting\": [\"hello there\"], \"role_definition\": [");
  CHECK(s.load_problems().find("examples for 'greeting', which is not a topical intent") != std::string::npos);
}

TEST_CASE("a question in a script the rules cannot read is not answered from the role name alone", "[engine]") {
  // The Japanese words ("what is the career path of a TPM?") are dropped by
  // the normaliser; they count as words no rule uses, so the role-only
  // reading is unsure and falls back (settings.role_only_below).
  const auto usual = shipped();
  {
    conversation c;
    const auto r = usual->answer("TPMのキャリアパスってどうなっていますか？", c);
    CHECK(r.intent == "fallback");
    CHECK(r.roles.empty());
  }
  {  // the same role alone, or with kaomoji, is still the role
    conversation c;
    CHECK(usual->answer("TPM?", c).intent == "role_definition");
    conversation d;
    CHECK(usual->answer("what even is a product manager (・_・ヾ", d).intent == "role_definition");
  }
}
