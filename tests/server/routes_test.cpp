#include "bot/server/routes.hpp"

#include <catch2/catch.hpp>

using namespace advisor::server;

TEST_CASE("is_json_content_type accepts application/json with or without a UTF-8 charset", "[server]") {
  CHECK(is_json_content_type("application/json"));
  CHECK(is_json_content_type("Application/JSON"));
  CHECK(is_json_content_type("application/json; charset=utf-8"));
  CHECK(is_json_content_type("application/json;charset=UTF-8"));
  CHECK(is_json_content_type("application/json; charset=\"utf-8\""));
  CHECK(is_json_content_type(" application/json ; charset=utf8"));
  CHECK_FALSE(is_json_content_type(""));
  CHECK_FALSE(is_json_content_type("text/plain"));
  CHECK_FALSE(is_json_content_type("application/jsonx"));
  CHECK_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
  CHECK_FALSE(is_json_content_type("application/json; charset=latin1"));
}
