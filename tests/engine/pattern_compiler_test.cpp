#include "bot/engine/pattern_compiler.hpp"

#include <re2/re2.h>

#include <catch2/catch.hpp>

using advisor::pattern_compiler;

namespace {

const std::map<std::string, std::vector<std::string>> concepts{
    {"role", {"tpm", "pm"}},
    {"skill", {"skill", "competency", "good at"}},
    {"loop", {"~loop"}},
    {"bad", {"(unclosed"}},
};

bool matches(const std::string& pattern, const std::string& text) {
  pattern_compiler pc(&concepts);
  std::string err;
  auto re = pc.compile(pattern, err);
  INFO(err);
  REQUIRE(re);
  return RE2::PartialMatch(text, RE2(*re));
}

std::string error_of(const std::string& pattern) {
  pattern_compiler pc(&concepts);
  std::string err;
  auto re = pc.compile(pattern, err);
  CHECK_FALSE(re);
  return err;
}

}  // namespace

TEST_CASE("patterns match whole words in order", "[engine]") {
  CHECK(matches("what skill", " so what skill do tpm need "));
  CHECK_FALSE(matches("what skill", " skill what "));
  CHECK_FALSE(matches("skill", " skillful "));
  CHECK(matches("Skills", " skill "));  // pattern words are stemmed like input
}

TEST_CASE("concepts, alternatives, options and gaps", "[engine]") {
  CHECK(matches("~skill", " what are they good at "));
  CHECK(matches("(kpi|success metric)", " the success metric "));
  CHECK(matches("what [a|the] ~role", " what tpm "));
  CHECK(matches("what [a|the] ~role", " what the pm "));
  CHECK(matches("how * ~role", " how do you become a pm "));
  CHECK(matches("how *1 ~role", " how a pm "));
  CHECK_FALSE(matches("how *1 ~role", " how do you pm "));
}

TEST_CASE("anchors tie a pattern to the start or end", "[engine]") {
  CHECK(matches("^ what about", " what about pm "));
  CHECK_FALSE(matches("^ what about", " so what about pm "));
  CHECK(matches("~role $", " and the pm "));
  CHECK_FALSE(matches("~role $", " pm skill "));
}

TEST_CASE("pattern errors are reported, not thrown", "[engine]") {
  CHECK(error_of("(a|b").find("missing ')'") != std::string::npos);
  CHECK(error_of("~nosuch").find("unknown concept") != std::string::npos);
  CHECK(error_of("~loop").find("refers to itself") != std::string::npos);
  CHECK(error_of("~bad").find("member") != std::string::npos);
  CHECK(error_of("a $ b").find("only allowed") != std::string::npos);
  CHECK(error_of("what's").find("bad word") != std::string::npos);
  CHECK(error_of("re:(").find("bad regular expression") != std::string::npos);
  CHECK(error_of("").find("empty") != std::string::npos);
  CHECK(error_of("*99").find("too wide") != std::string::npos);
}

TEST_CASE("compiler collects the rules' vocabulary", "[engine]") {
  pattern_compiler pc(&concepts);
  std::string err;
  REQUIRE(pc.compile("what ~skill", err));
  CHECK(pc.words().count("what"));
  CHECK(pc.words().count("competency"));
  CHECK(pc.used_concepts().count("skill"));
}
