#include "bot/engine/rule_set.hpp"

#include <catch2/catch.hpp>

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
