#include "bot/engine/rule_set.hpp"

#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "bot/engine/pattern_compiler.hpp"

using advisor::role_set;
using advisor::rule;
using advisor::rule_set;

namespace {

rule make(const std::string& id, std::uint8_t when = 0) {
  rule r;
  r.id = id;
  r.intent = 0;
  r.when = when;
  return r;
}

std::vector<std::string> fired_ids(const rule_set& rs, const std::string& text, bool topic = false,
                                   role_set named = {}) {
  advisor::match_result m;
  REQUIRE(rs.match(text, "", topic, named, m) == advisor::match_status::ok);
  std::vector<std::string> out;
  for (int i : m.fired) out.push_back(rs.rules()[static_cast<std::size_t>(i)].id);
  return out;
}

}  // namespace

TEST_CASE("rule_set applies all, any and none", "[engine]") {
  rule_set rs;
  std::string err;
  REQUIRE(rs.add_rule(make("all"), {" a ", " b "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("any"), {}, {" c ", " d "}, {}, err));
  REQUIRE(rs.add_rule(make("none"), {" a "}, {}, {" x "}, err));
  REQUIRE(rs.compile(err));
  CHECK(fired_ids(rs, " b a ") == std::vector<std::string>{"all", "none"});
  CHECK(fired_ids(rs, " a ") == std::vector<std::string>{"none"});
  CHECK(fired_ids(rs, " a x ").empty());
  CHECK(fired_ids(rs, " d ") == std::vector<std::string>{"any"});
  CHECK(fired_ids(rs, " zzz ").empty());
}

TEST_CASE("rule_set checks conditions on the turn", "[engine]") {
  rule_set rs;
  std::string err;
  REQUIRE(rs.add_rule(make("followup", advisor::when_followup), {" a "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("start", advisor::when_start), {" a "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("no_role", advisor::when_no_role), {" a "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("context", advisor::when_context), {" a "}, {}, {}, err));
  REQUIRE(rs.compile(err));
  const auto pm = role_set::of(advisor::role::pm);
  CHECK(fired_ids(rs, " a ", false, {}) == std::vector<std::string>{"start", "no_role"});
  CHECK(fired_ids(rs, " a ", true, {}) == std::vector<std::string>{"followup", "no_role", "context"});
  CHECK(fired_ids(rs, " a ", false, pm) == std::vector<std::string>{"start", "context"});
}

TEST_CASE("rule_set reports cues separately from rules", "[engine]") {
  rule_set rs;
  std::string err;
  REQUIRE(rs.add_rule(make("r"), {" a "}, {}, {}, err));
  const int bit = rs.add_cue(" both ", err);
  REQUIRE(bit >= 0);
  REQUIRE(rs.compile(err));
  advisor::match_result m;
  REQUIRE(rs.match(" both a ", "", false, {}, m) == advisor::match_status::ok);
  CHECK(m.fired.size() == 1);
  CHECK(m.cues == (1u << bit));
}

TEST_CASE("rule_set has 64 cue bits: the last one is reported, one more is refused", "[engine]") {
  // Senses of the acronyms are cues: each new sense in rules/senses.json
  // takes a bit (32 were all taken at stop 19).
  rule_set rs;
  std::string err;
  REQUIRE(rs.add_rule(make("r"), {" a "}, {}, {}, err));
  int last = -1;
  for (int i = 0; i < rule_set::max_cues; ++i) {
    last = rs.add_cue(" w" + std::to_string(i) + " ", err);
    REQUIRE(last == i);
  }
  CHECK(rs.add_cue(" one more ", err) == -1);
  CHECK(err.find("too many cues") != std::string::npos);
  REQUIRE(rs.compile(err));
  advisor::match_result m;
  REQUIRE(rs.match(" a w63 w40 ", "", false, {}, m) == advisor::match_status::ok);
  CHECK(m.cues == ((std::uint64_t{1} << 63) | (std::uint64_t{1} << 40)));
}

TEST_CASE("rule_set rejects patterns re2 cannot parse", "[engine]") {
  rule_set rs;
  std::string err;
  CHECK_FALSE(rs.add_rule(make("bad"), {"(unclosed"}, {}, {}, err));
  CHECK(err.find("re2") != std::string::npos);
}

TEST_CASE("rule_set matches a message and its question part in one pass", "[engine]") {
  rule_set rs;
  std::string err;
  REQUIRE(rs.add_rule(make("word"), {" a (?:[^ \\n]+ )*b "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("start"), {"^ what about "}, {}, {}, err));
  REQUIRE(rs.add_rule(make("end"), {" grad $"}, {}, {}, err));
  REQUIRE(rs.add_rule(make("vetoed"), {" what "}, {}, {" grad "}, err));
  const int bit = rs.add_cue(" grad ", err);
  REQUIRE(rs.compile(err));
  advisor::match_result m;
  // "i am a grad b. what about a b?": the question is "what about a b".
  REQUIRE(rs.match(" i am a grad b what about a b ", " what about a b ", false, {}, m) == advisor::match_status::ok);
  auto ids = [&rs](const std::vector<int>& v) {
    std::vector<std::string> out;
    for (int i : v) out.push_back(rs.rules()[static_cast<std::size_t>(i)].id);
    return out;
  };
  CHECK(ids(m.fired) == std::vector<std::string>{"word"});
  CHECK(ids(m.question_fired) == std::vector<std::string>{"word", "start", "vetoed"});
  CHECK(ids(m.vetoed) == std::vector<std::string>{"vetoed"});
  CHECK(m.cues == (1u << bit));
  // '$' of the whole message holds before the question line too.
  REQUIRE(rs.match(" i am a grad ", " what about it ", false, {}, m) == advisor::match_status::ok);
  CHECK(ids(m.fired) == std::vector<std::string>{"end"});
  CHECK(ids(m.question_fired) == std::vector<std::string>{"start", "vetoed"});
}

// The matcher reads the RE2 expressions pattern_compiler writes back into
// trees over words and matches them with position sets (rule_set.cpp). It
// must agree with re2 on every pattern the language can write: random
// patterns (words, concepts with multi-word, nested and gapped members,
// alternatives, optional groups, gaps, anchors) against random lines,
// including lines of over 64 words (more than one 64-bit position set).
TEST_CASE("rule_set matches exactly what re2 matches, on random patterns and lines", "[engine]") {
  const std::vector<std::string> vocab = {"a", "b", "c", "d", "tpm", "pm", "role", "x"};
  const std::map<std::string, std::vector<std::string>> concepts = {
      {"one", {"a", "b", "role"}},
      {"multi", {"a b", "c", "pm role", "x * d"}},
      {"nested", {"~one c", "d", "tpm *2 pm", "[a] x"}},
  };
  advisor::pattern_compiler pc(&concepts);
  std::mt19937 rng(20261202);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::function<std::string(int)> element = [&](int depth) -> std::string {
    switch (pick(depth > 1 ? 5 : 9)) {
      case 0:
      case 1:
      case 2:
        return vocab[pick(vocab.size())];
      case 3:
        return std::vector<std::string>{"~one", "~multi", "~nested"}[pick(3)];
      case 4:
        return pick(2) ? "*" : "*" + std::to_string(1 + pick(3));
      case 5:
      case 6:
      case 7: {
        std::string s = pick(2) ? "(" : "[";
        const std::size_t n = 1 + pick(3);
        for (std::size_t i = 0; i < n; ++i) {
          if (i) s += " | ";
          s += element(depth + 1);
          if (pick(2)) s += " " + element(depth + 1);
        }
        return s + (s[0] == '(' ? ")" : "]");
      }
      default:
        return vocab[pick(vocab.size())] + " " + vocab[pick(vocab.size())];
    }
  };
  rule_set rs;
  std::vector<std::string> regexes;
  std::string err;
  for (int i = 0; i < 400; ++i) {
    std::string p;
    if (pick(5) == 0) p = "^ ";
    const std::size_t n = 1 + pick(4);
    for (std::size_t k = 0; k < n; ++k) p += element(0) + " ";
    if (pick(5) == 0) p += "$";
    auto re = pc.compile(p, err);
    INFO(p << ": " << err);
    REQUIRE(re);
    REQUIRE(rs.add_rule(make("r" + std::to_string(i)), {*re}, {}, {}, err));
    regexes.push_back(*re);
  }
  REQUIRE(rs.compile(err));
  std::vector<std::unique_ptr<RE2>> reference;
  for (const auto& r : regexes) reference.push_back(std::make_unique<RE2>(r));
  auto line = [&](std::size_t words) {
    std::string s = " ";
    for (std::size_t i = 0; i < words; ++i) s += (pick(6) ? vocab[pick(vocab.size())] : "zz") + " ";
    return s;
  };
  std::size_t fired_total = 0;
  for (int t = 0; t < 600; ++t) {
    const std::string text = line(t % 10 == 0 ? 60 + pick(80) : pick(12));
    // The question part: none, other words, or a run of the text's own
    // words (where only the patterns that matched the text are tried on it,
    // with the anchored ones: rule_set.cpp, token_pattern::twin).
    std::string question;
    if (const std::size_t kind = pick(3); kind == 1) {
      question = line(1 + pick(8));
    } else if (kind == 2) {
      std::vector<std::string> words;
      std::istringstream in(text);
      for (std::string w; in >> w;) words.push_back(w);
      if (!words.empty()) {
        const std::size_t from = pick(words.size()), n = 1 + pick(std::min<std::size_t>(words.size() - from, 9));
        question = " ";
        for (std::size_t i = from; i < from + n; ++i) question += words[i] + " ";
      }
    }
    advisor::match_result m;
    REQUIRE(rs.match(text, question, false, {}, m) == advisor::match_status::ok);
    std::set<int> fired(m.fired.begin(), m.fired.end()),
        question_fired(m.question_fired.begin(), m.question_fired.end());
    for (std::size_t i = 0; i < reference.size(); ++i) {
      INFO("pattern " << regexes[i] << "\ntext '" << text << "'\nquestion '" << question << "'");
      CHECK(fired.count(static_cast<int>(i)) == (RE2::PartialMatch(text, *reference[i]) ? 1u : 0u));
      if (!question.empty())
        CHECK(question_fired.count(static_cast<int>(i)) == (RE2::PartialMatch(question, *reference[i]) ? 1u : 0u));
    }
    fired_total += fired.size();
  }
  CHECK(fired_total > 1000);  // the corpus exercises matches, not only misses
}
