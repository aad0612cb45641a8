#include "bot/http/router.hpp"

#include <catch2/catch.hpp>

#include "bot/http/http_response.hpp"

using namespace advisor::server;

namespace {

route_handler answer(std::string body) {
  return [body](const route_request& r) {
    return make_response(http::status::ok, "text/plain", body + "|" + std::string(r.path_suffix));
  };
}

std::string call(const router::match& m, std::string_view path = "/") {
  REQUIRE(m.result == router::outcome::found);
  http::request<http::string_body> req;
  return (*m.handler)(route_request{req, path, "", m.suffix, {}}).body();
}

}  // namespace

TEST_CASE("router finds exact routes by method and path", "[server]") {
  router r;
  r.add(http::verb::get, "/healthz", answer("health"));
  r.add(http::verb::post, "/api/v1/chat", answer("chat"));
  r.add(http::verb::get, "/api/v1/chat", answer("chat-get"));

  CHECK(call(r.find(http::verb::get, "/healthz")) == "health|");
  CHECK(r.find(http::verb::get, "/healthz").route == "/healthz");
  CHECK(call(r.find(http::verb::post, "/api/v1/chat")) == "chat|");
  CHECK(call(r.find(http::verb::get, "/api/v1/chat")) == "chat-get|");
  CHECK(r.find(http::verb::get, "/healthz/").result == router::outcome::not_found);
  CHECK(r.find(http::verb::get, "/").result == router::outcome::not_found);
  CHECK(r.find(http::verb::get, "/HEALTHZ").result == router::outcome::not_found);
}

TEST_CASE("router tells 405 from 404 and lists allowed methods", "[server]") {
  router r;
  r.add(http::verb::post, "/api/v1/chat", answer("chat"));
  r.add(http::verb::get, "/metrics", answer("metrics"));

  auto m = r.find(http::verb::get, "/api/v1/chat");
  CHECK(m.result == router::outcome::method_not_allowed);
  CHECK(m.allow == "POST");
  m = r.find(http::verb::delete_, "/metrics");
  CHECK(m.result == router::outcome::method_not_allowed);
  CHECK(m.allow == "GET, HEAD");
  CHECK(r.find(http::verb::get, "/nope").result == router::outcome::not_found);
}

TEST_CASE("GET routes answer HEAD", "[server]") {
  router r;
  r.add(http::verb::get, "/healthz", answer("health"));
  CHECK(call(r.find(http::verb::head, "/healthz")) == "health|");
}

TEST_CASE("prefix routes match longer paths and pass the rest, exact routes win", "[server]") {
  router r;
  r.add_prefix(http::verb::post, "/hooks/", answer("hooks"));
  r.add_prefix(http::verb::post, "/hooks/slack/", answer("slack"));
  r.add(http::verb::post, "/hooks/status", answer("status"));

  auto m = r.find(http::verb::post, "/hooks/mattermost");
  CHECK(call(m) == "hooks|mattermost");
  CHECK(m.route == "/hooks/");
  CHECK(call(r.find(http::verb::post, "/hooks/slack/events")) == "slack|events");
  CHECK(call(r.find(http::verb::post, "/hooks/status")) == "status|");
  CHECK(r.find(http::verb::post, "/hooks/").result == router::outcome::not_found);
  m = r.find(http::verb::get, "/hooks/teams");
  CHECK(m.result == router::outcome::method_not_allowed);
  CHECK(m.allow == "POST");
}
