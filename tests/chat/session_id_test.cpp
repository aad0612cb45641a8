#include "bot/chat/session_id.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace advisor::server;

TEST_CASE("new_session_id gives distinct 22-character base64url ids", "[server]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_session_id();
    REQUIRE(id.size() == 22);
    REQUIRE(plausible_session_id(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("plausible_session_id accepts only short base64url strings", "[server]") {
  CHECK(plausible_session_id("abc-DEF_123"));
  CHECK_FALSE(plausible_session_id(""));
  CHECK_FALSE(plausible_session_id("has space"));
  CHECK_FALSE(plausible_session_id("semi;colon"));
  CHECK_FALSE(plausible_session_id("caf\xC3\xA9"));
  CHECK_FALSE(plausible_session_id(std::string(129, 'a')));
  CHECK(plausible_session_id(std::string(128, 'a')));
}
