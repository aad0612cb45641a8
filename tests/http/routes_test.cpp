#include "bot/http/routes.hpp"

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

TEST_CASE("POST /api/v1/chat takes JSON however simple clients label it", "[server]") {
  CHECK(acceptable_chat_content_type("application/json; charset=utf-8"));
  CHECK(acceptable_chat_content_type(""));                                   // no Content-Type
  CHECK(acceptable_chat_content_type("text/plain;charset=UTF-8"));           // fetch() with a string body
  CHECK(acceptable_chat_content_type("application/x-www-form-urlencoded"));  // curl -d
  CHECK_FALSE(acceptable_chat_content_type("text/plain; charset=latin1"));
  CHECK_FALSE(acceptable_chat_content_type("application/xml"));
  CHECK_FALSE(acceptable_chat_content_type("multipart/form-data; boundary=x"));
  CHECK_FALSE(acceptable_chat_content_type("application/json; charset=latin1"));
}
