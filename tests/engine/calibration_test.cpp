#include "bot/engine/calibration.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "bot/engine/brain.hpp"
#include "tests/conversation_cases.hpp"

namespace fs = std::filesystem;
using advisor::brain;
using advisor::confidence_feature;
using advisor::confidence_features;

namespace {

const fs::path source_dir = ADVISOR_SOURCE_DIR;

// The shipped rules with calibration.json replaced by text; removed on
// scope exit.
struct calibrated_copy {
  fs::path dir;
  explicit calibrated_copy(const std::string& calibration_json) {
    static int n = 0;
    dir = fs::temp_directory_path() /
          ("advisor-calibration-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(source_dir / "rules", dir / "rules", fs::copy_options::recursive);
    std::ofstream(dir / "rules" / "calibration.json") << calibration_json;
  }
  ~calibrated_copy() { fs::remove_all(dir); }
  std::shared_ptr<const brain> load(std::string& problems) const {
    advisor::load_report report;
    auto b = brain::load(dir / "rules", source_dir / "knowledge", report);
    problems = report.to_string();
    return b;
  }
};

}  // namespace

TEST_CASE("every confidence feature has a name that maps back to it", "[engine]") {
  for (std::size_t i = 0; i < advisor::confidence_feature_count; ++i) {
    const auto f = static_cast<confidence_feature>(i);
    INFO(advisor::feature_name(f));
    REQUIRE(advisor::feature_of(advisor::feature_name(f)));
    CHECK(*advisor::feature_of(advisor::feature_name(f)) == f);
  }
  CHECK_FALSE(advisor::feature_of("no_such_feature"));
}

TEST_CASE("a logistic model gives a probability that moves with its weights", "[engine]") {
  advisor::logistic_model m;
  m.intercept = 1.0;
  m.weights[static_cast<std::size_t>(confidence_feature::corrections)] = -2.0;
  confidence_features f;
  CHECK(m.predict(f) == Approx(1.0 / (1.0 + std::exp(-1.0))));
  f[confidence_feature::corrections] = 1.0;
  CHECK(m.predict(f) < 0.5);
  f[confidence_feature::corrections] = 1e6;  // saturates, never leaves [0, 1]
  CHECK(m.predict(f) >= 0.0);
  CHECK(m.predict(f) <= 1.0);
}

TEST_CASE("loading rejects bad calibration coefficients with the reason", "[engine]") {
  struct bad_case {
    const char* json;
    const char* says;
  } cases[] = {
      {R"({"calibration": {"logistic": {"intercept": 0.5, "weights": {"scroe": 1.0}}}})",
       "unknown calibration feature 'scroe'"},
      {R"({"calibration": {"logistic": {"intercept": 0.5, "weights": {"score": "high"}}}})",
       "calibration weight 'score' must be a number in [-50, 50]"},
      {R"({"calibration": {"logistic": {"intercept": 0.5, "weights": {"score": 1e300}}}})",
       "calibration weight 'score' must be a number in [-50, 50]"},
      {R"({"calibration": {"logistic": {"weights": {"score": 1.0}}}})", "needs an 'intercept'"},
      {R"({"calibration": {"logistic": {"intercept": 0.5}}})", "needs 'weights'"},
      {R"({"calibration": {"logistic": {"intercept": 0.5, "weights": {}, "bias": 1}}})",
       "unknown field 'bias' of calibration 'logistic'"},
      {R"({"calibration": {"answer": [[0.5, 0.7]], "logistic": {"intercept": 0.5, "weights": {}}}})", "not both"},
      {R"({"calibration": {"answer": [[0.9, 0.7], [0.5, 0.8]]}})", "raw and p not decreasing"},
      {R"({"calibration": {"curve": []}})", "unknown calibration 'curve'"},
  };
  for (const auto& c : cases) {
    calibrated_copy copy(c.json);
    std::string problems;
    INFO(c.json);
    CHECK_FALSE(copy.load(problems));
    INFO(problems);
    CHECK(problems.find("calibration.json") != std::string::npos);
    CHECK(problems.find(c.says) != std::string::npos);
  }
}

TEST_CASE("the older curve calibration still loads", "[engine]") {
  calibrated_copy copy(R"({"calibration": {"answer": [[0.5, 0.6], [0.9, 0.95]]}})");
  std::string problems;
  auto b = copy.load(problems);
  INFO(problems);
  REQUIRE(b);
  advisor::conversation c;
  const auto r = b->answer("what skills does a tpm need", c);
  CHECK(r.intent == "skills");
  CHECK(r.confidence >= 0.6);
  CHECK(r.confidence <= 0.95);
}

TEST_CASE("a spelling correction lowers the confidence when its weight says so", "[engine]") {
  // The same question, typed right and with a typo: the answer is the same,
  // the features differ by one correction, and a negative weight on
  // corrections must show in the confidence.
  calibrated_copy copy(
      R"({"calibration": {"logistic": {"intercept": 0.0, "weights": {"score": 2.0, "corrections": -1.5}}}})");
  std::string problems;
  auto b = copy.load(problems);
  INFO(problems);
  REQUIRE(b);
  confidence_features clean, typo;
  advisor::conversation c1, c2;
  const auto a = b->answer("what skills does a tpm need", c1, {.features = &clean});
  const auto t = b->answer("what sklls does a tpm need", c2, {.features = &typo});
  CHECK(a.intent == t.intent);
  CHECK(clean[confidence_feature::corrections] == 0.0);
  CHECK(typo[confidence_feature::corrections] == 1.0);
  CHECK(clean[confidence_feature::score] == typo[confidence_feature::score]);
  CHECK(t.confidence < a.confidence);
  CHECK(a.confidence == Approx(1.0 / (1.0 + std::exp(-2.0 * clean[confidence_feature::score]))).margin(0.005));
}

TEST_CASE("the engine reports how a reply was reached", "[engine]") {
  advisor::load_report report;
  auto b = brain::load(source_dir / "rules", source_dir / "knowledge", report);
  REQUIRE(b);
  confidence_features f;
  advisor::conversation c;
  CHECK(b->answer("TPM", c, {.features = &f}).rule == "engine.role_only");
  CHECK(f[confidence_feature::role_only] == 1.0);
  CHECK(f[confidence_feature::score] == Approx(0.55));
  CHECK(f[confidence_feature::words] == Approx(std::log(2.0)));
  CHECK(b->answer("what skills does a tpm need", c, {.features = &f}).intent == "skills");
  CHECK(f[confidence_feature::role_only] == 0.0);
  CHECK(f[confidence_feature::meta] == 0.0);
  CHECK(f[confidence_feature::score] >= 0.5);
  CHECK(f[confidence_feature::margin] > 0.0);
  CHECK(f[confidence_feature::margin] <= f[confidence_feature::score]);
  CHECK(f[confidence_feature::unknown_share] >= 0.0);
  CHECK(f[confidence_feature::unknown_share] < 0.5);
  CHECK(f[confidence_feature::advice_depth] == 0.0);
  CHECK(b->answer("tell me more", c, {.features = &f}).rule == "advice.depth");
  CHECK(f[confidence_feature::advice_depth] == 1.0);
  advisor::conversation c2;
  CHECK(b->answer("hi", c2, {.features = &f}).intent == "greeting");
  CHECK(f[confidence_feature::meta] == 1.0);
  // Words no rule uses raise the unknown share.
  CHECK(b->answer("what skills does a tpm need for quokka wrangling zorbs", c2, {.features = &f}).intent == "skills");
  CHECK(f[confidence_feature::unknown_share] > 0.2);
}

TEST_CASE("the shipped calibration trusts a bare role name less than a question about it", "[engine]") {
  // A role named and nothing else recognised (engine.role_only) was wrong
  // far more often on held-out sets than an answer a rule gave.
  advisor::load_report report;
  auto b = brain::load(source_dir / "rules", source_dir / "knowledge", report);
  REQUIRE(b);
  advisor::conversation c1, c2;
  const auto bare = b->answer("tpm pls", c1);
  const auto asked = b->answer("what does a tpm do", c2);
  REQUIRE(bare.rule == "engine.role_only");
  CHECK(bare.intent == asked.intent);
  CHECK(bare.confidence < asked.confidence);
}

TEST_CASE("every confidence on the conversation files is in [0, 1], fallbacks carry their score", "[engine]") {
  advisor::load_report report;
  auto b = brain::load(source_dir / "rules", source_dir / "knowledge", report);
  REQUIRE(b);
  std::vector<advisor::testing::conversation_case> cases;
  for (const auto& f : advisor::testing::case_files(source_dir / "tests" / "conversations")) {
    auto c = advisor::testing::read_cases(f);
    cases.insert(cases.end(), c.begin(), c.end());
  }
  REQUIRE(cases.size() > 100);
  for (const auto& r : advisor::testing::run_cases(*b, cases)) {
    INFO(r.conv->file << ":" << r.conv->id << " -> " << r.got.intent << " " << r.got.confidence);
    CHECK(r.got.confidence >= 0.0);
    CHECK(r.got.confidence <= 1.0);
    // A fallback carries the best score seen (a vetoed role reading: none),
    // never a calibrated probability of being right.
    if (r.got.intent == "fallback" && r.got.rule.rfind("sense.", 0) == 0) CHECK(r.got.confidence == 0.0);
  }
}
