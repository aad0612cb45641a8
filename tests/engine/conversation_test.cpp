#include "bot/engine/conversation.hpp"

#include <catch2/catch.hpp>

using advisor::conversation;

TEST_CASE("conversation round-trips through serialize", "[engine]") {
  conversation c;
  c.record_topical(4, "skills", advisor::role_set::of(advisor::role::pm));
  c.add_to_profile({"coding", true, "I love coding: C++, Go; 100% \"really\""});
  c.add_to_profile({"sales_marketing", false, "I hate sales calls, très boring"});
  c.set_quiz_step(2);
  c.set_depth(1);
  c.set_last_text_hash(conversation::hash_text("hello"));
  const std::string s = c.serialize();
  CHECK(s.rfind("v2:skills:2:1:2:1:", 0) == 0);
  auto back = conversation::deserialize(s);
  REQUIRE(back);
  CHECK(back->last_intent_name() == "skills");
  CHECK(back->last_intent() == -1);  // resolved by name by the brain
  CHECK(back->has_topic());
  CHECK(back->last_roles() == advisor::role_set::of(advisor::role::pm));
  CHECK(back->turns() == 1);
  CHECK(back->quiz_step() == 2);
  CHECK(back->depth() == 1);
  CHECK(back->last_text_hash() == conversation::hash_text("hello"));
  CHECK(back->profile() == c.profile());
  CHECK(back->serialize() == s);
}

TEST_CASE("conversation still reads the v1 form", "[engine]") {
  auto back = conversation::deserialize("v1:4:2:7");
  REQUIRE(back);
  CHECK(back->last_intent() == 4);
  CHECK(back->last_roles() == advisor::role_set::of(advisor::role::pm));
  CHECK(back->turns() == 7);
  CHECK(back->profile().empty());
}

TEST_CASE("conversation profile is bounded, corrected and reset", "[engine]") {
  conversation c;
  for (int i = 0; i < 20; ++i) c.add_to_profile({std::string("t").append(std::to_string(i)), true, std::string(400, 'x')});
  CHECK(c.profile().size() == conversation::max_profile);
  CHECK(c.profile().back().said.size() == conversation::max_said);
  c.add_to_profile({"t19", false, "no"});
  CHECK(c.profile().size() == conversation::max_profile);
  CHECK_FALSE(c.profile().back().liked);
  CHECK(conversation::deserialize(c.serialize()));
  c.reset();
  CHECK(c.profile().empty());
  CHECK_FALSE(c.has_topic());
}

TEST_CASE("conversation rejects malformed serialized forms", "[engine]") {
  for (const char* bad : {"", "v1:", "v1:1:2", "v2:1:1:1", "v1:a:1:1", "v1:1:9:1", "v1:1:1:1x", "v2:skills:1:1:0:0:0000000:",
                          "v2:skills:1:1:0:0:00000000:coding,+", "v2:skills:1:1:0:0:00000000:coding,x,a",
                          "v2:Skills!:1:1:0:0:00000000:", "v2:skills:4:1:0:0:00000000:", "v2:skills:1:1:0:0:00000000:coding,+,a;",
                          "v2:skills:1:1:0:0:00000000:coding,+,a%2"}) {
    INFO(bad);
    CHECK_FALSE(conversation::deserialize(bad));
  }
}
