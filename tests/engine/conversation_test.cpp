#include "bot/engine/conversation.hpp"

#include <catch2/catch.hpp>

using advisor::conversation;

TEST_CASE("conversation round-trips through serialize", "[engine]") {
  conversation c;
  c.record_topical(4, advisor::role_set::of(advisor::role::pm));
  auto back = conversation::deserialize(c.serialize());
  REQUIRE(back);
  CHECK(back->last_intent() == 4);
  CHECK(back->last_roles() == advisor::role_set::of(advisor::role::pm));
  CHECK(back->turns() == 1);
}

TEST_CASE("conversation rejects malformed serialized forms", "[engine]") {
  for (const char* bad : {"", "v1:", "v1:1:2", "v2:1:1:1", "v1:a:1:1", "v1:1:9:1", "v1:1:1:1x"}) {
    INFO(bad);
    CHECK_FALSE(conversation::deserialize(bad));
  }
}
