// Runs the conversation tests kept as data (tests/conversations/*.jsonl and
// the shared sample conversations) through the shipped rules and knowledge.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <sstream>

#include "tests/conversation_cases.hpp"

namespace fs = std::filesystem;
using namespace advisor::testing;

namespace {

const fs::path source_dir = ADVISOR_SOURCE_DIR;

std::shared_ptr<const advisor::brain> load_shipped() {
  advisor::load_report report;
  auto b = advisor::brain::load(source_dir / "rules", source_dir / "knowledge", report);
  INFO(report.to_string());
  REQUIRE(b);
  return b;
}

std::string describe_misses(const std::vector<turn_result>& results) {
  std::ostringstream out;
  for (const auto& r : results) {
    if (r.intent_ok && r.roles_ok) continue;
    const auto& e = r.conv->turns[r.turn];
    out << r.conv->file << " " << r.conv->id << " turn " << r.turn << ": \"" << e.text << "\" want " << e.intent
        << " [";
    for (const auto& x : e.roles) out << x << " ";
    out << "] got " << r.got.intent << " [";
    for (const auto& x : r.got.roles.names()) out << x << " ";
    out << "] rule " << r.got.rule << "\n";
  }
  return out.str();
}

double accuracy(const std::vector<turn_result>& results) {
  std::size_t ok = 0;
  for (const auto& r : results) ok += r.intent_ok && r.roles_ok;
  return results.empty() ? 0.0 : static_cast<double>(ok) / static_cast<double>(results.size());
}

}  // namespace

// The misses each file had when its floor was last set (a file may miss at
// most one more turn); a file not listed may miss 2% of its turns.
const std::map<std::string, std::size_t> misses_allowed = {
    {"followups.jsonl", 0 + 1},     {"heldout.jsonl", 0 + 1},  {"heldout2.jsonl", 3 + 1},
    {"heldout3.jsonl", 0 + 1},      {"heldout4.jsonl", 0 + 1}, {"heldout5.jsonl", 6 + 1},
    {"meta_offtopic.jsonl", 0 + 1}, {"personas.jsonl", 2 + 1}, {"personas_fit.jsonl", 0 + 1},
    {"topical.jsonl", 0 + 1},       {"typos.jsonl", 0 + 1},
    {"heldout6.jsonl", 1 + 1},      {"heldout7.jsonl", 2 + 1}, {"personas8.jsonl", 1 + 1},
    {"heldout8.jsonl", 4 + 1},      {"heldout9.jsonl", 2 + 1},  {"heldout10.jsonl", 2 + 1},
    {"heldout11.jsonl", 1 + 1},     {"heldout12.jsonl", 1 + 1}, {"heldout13.jsonl", 0 + 1},
    {"heldout14.jsonl", 3 + 1},
};

TEST_CASE("conversation test files: each file within one miss of its recorded floor", "[engine][conversations]") {
  auto b = load_shipped();
  const auto files = case_files(ADVISOR_TESTS_DIR "/conversations");
  REQUIRE(files.size() >= 4);
  for (const auto& f : files) {
    const auto cases = read_cases(f);
    const auto results = run_cases(*b, cases);
    std::size_t misses = 0;
    for (const auto& r : results) misses += !(r.intent_ok && r.roles_ok);
    const auto it = misses_allowed.find(f.filename().string());
    const std::size_t allowed = it != misses_allowed.end() ? it->second : results.size() / 50;
    INFO(f.filename().string() << ": " << results.size() << " turns, " << misses << " missed, at most " << allowed
                               << " allowed\n"
                               << describe_misses(results));
    CHECK(results.size() >= 20);
    CHECK(misses <= allowed);
  }
}

TEST_CASE("conversation test files: every intent at least 90% right across all files", "[engine][conversations]") {
  auto b = load_shipped();
  std::vector<conversation_case> all;
  for (const auto& f : case_files(ADVISOR_TESTS_DIR "/conversations")) {
    auto cases = read_cases(f);
    all.insert(all.end(), cases.begin(), cases.end());
  }
  const auto results = run_cases(*b, all);
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_intent;  // wanted intent -> right, turns
  for (const auto& r : results) {
    auto& [right, turns] = by_intent[r.conv->turns[r.turn].intent];
    right += r.intent_ok && r.roles_ok;
    ++turns;
  }
  for (const auto& name : b->intent_names()) {
    const auto [right, turns] = by_intent[name];
    INFO(name << ": " << right << " of " << turns << " right");
    CHECK(turns >= 5);
    CHECK(static_cast<double>(right) >= 0.9 * static_cast<double>(turns));
  }
}

TEST_CASE("the shared sample conversations are all answered right", "[engine][conversations]") {
  const fs::path samples = source_dir.parent_path() / "shared" / "examples" / "sample-conversations.jsonl";
  const fs::path local = fs::path(ADVISOR_SOURCE_DIR) / "rules" / "checks" / "sample-conversations.jsonl";
  const fs::path path = fs::exists(local) ? local : samples;
  REQUIRE(fs::exists(path));
  auto b = load_shipped();
  const auto cases = read_cases(path);
  const auto results = run_cases(*b, cases);
  INFO(describe_misses(results));
  CHECK(accuracy(results) == 1.0);
}

TEST_CASE("a conversation's meta turns carry no roles and topical turns at least one", "[engine][conversations]") {
  auto b = load_shipped();
  const auto files = case_files(ADVISOR_TESTS_DIR "/conversations");
  REQUIRE(files.size() >= 4);  // no files found must fail, not pass vacuously
  std::size_t turns = 0;
  for (const auto& f : files) {
    // Named: the results point into the cases (a temporary inside the
    // range-for's initializer dies before the loop body; ASan caught it).
    const auto cases = read_cases(f);
    for (const auto& r : run_cases(*b, cases)) {
      const bool meta = r.got.intent == "greeting" || r.got.intent == "farewell" || r.got.intent == "thanks" ||
                        r.got.intent == "help" || r.got.intent == "about_bot" || r.got.intent == "fallback";
      INFO(r.conv->id << ": " << r.got.intent);
      CHECK(meta == r.got.roles.empty());
      CHECK(meta == r.got.sources.empty());
      CHECK(r.got.suggestions.size() <= 5);
      ++turns;
    }
  }
  REQUIRE(turns >= 20 * files.size());
}
