// End-to-end tests of the static routes (the widget, the demo page) against
// the real server binary: content types, caching, security headers, HEAD.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/gunzip.hpp"

using namespace advisor::test;

namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(ADVISOR_TESTS_DIR) + "/../" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

http_result get_with(unsigned short port, const std::string& target, http::field field, const std::string& value,
                     http::verb verb = http::verb::get) {
  http::request<http::string_body> req(verb, target, 11);
  req.set(field, value);
  return http_send(port, std::move(req));
}

std::string header(const http_result& r, std::string_view name) { return std::string(r.response[name]); }

}  // namespace

TEST_CASE("GET /widget.js serves the widget as JavaScript with caching and security headers", "[e2e]") {
  server_process server;
  const auto r = http_get(server.port(), "/widget.js");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  CHECK(header(r, "Content-Type") == "text/javascript; charset=utf-8");
  CHECK(r.response.body() == read_source("bot/web/widget.js"));
  CHECK(header(r, "Content-Length") == std::to_string(r.response.body().size()));
  CHECK(header(r, "Cache-Control") == "public, max-age=300");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(header(r, "Content-Security-Policy").starts_with("default-src 'none'"));
  CHECK(header(r, "Cross-Origin-Resource-Policy") == "cross-origin");
  CHECK(header(r, "Access-Control-Allow-Origin") == "*");
  const auto etag = header(r, "ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(http_get(server.port(), "/widget.js").response[http::field::etag] == etag);
}

TEST_CASE("a matching If-None-Match gets 304 with no body, a stale one the full file", "[e2e]") {
  server_process server;
  const auto first = http_get(server.port(), "/widget.js");
  REQUIRE(first.response.result_int() == 200);
  const auto etag = header(first, "ETag");

  const auto again = get_with(server.port(), "/widget.js", http::field::if_none_match, etag);
  REQUIRE(!again.ec);
  CHECK(again.response.result_int() == 304);
  CHECK(again.response.body().empty());
  CHECK(header(again, "ETag") == etag);
  CHECK(header(again, "Cache-Control") == "public, max-age=300");

  const auto listed = get_with(server.port(), "/widget.js", http::field::if_none_match, "\"old\", W/" + etag);
  CHECK(listed.response.result_int() == 304);

  const auto stale = get_with(server.port(), "/widget.js", http::field::if_none_match, "\"old\"");
  CHECK(stale.response.result_int() == 200);
  CHECK(stale.response.body() == first.response.body());
}

TEST_CASE("a client that accepts gzip gets the widget compressed, with its own ETag", "[e2e]") {
  server_process server;
  const auto plain = http_get(server.port(), "/widget.js");
  const auto gz = get_with(server.port(), "/widget.js", http::field::accept_encoding, "gzip, deflate, br");
  REQUIRE(!gz.ec);
  REQUIRE(gz.response.result_int() == 200);
  CHECK(header(gz, "Content-Encoding") == "gzip");
  CHECK(header(gz, "Vary") == "Accept-Encoding");
  CHECK(header(plain, "Vary") == "Accept-Encoding");
  CHECK(header(plain, "Content-Encoding").empty());
  CHECK(header(gz, "Content-Type") == "text/javascript; charset=utf-8");
  REQUIRE(gz.response.body().size() > 2);
  CHECK(static_cast<unsigned char>(gz.response.body()[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(gz.response.body()[1]) == 0x8b);
  CHECK(gz.response.body().size() * 2 < plain.response.body().size());
  const auto inflated = gunzip(gz.response.body());
  REQUIRE(inflated.has_value());
  CHECK(*inflated == plain.response.body());
  CHECK(header(gz, "ETag") != header(plain, "ETag"));

  http::request<http::string_body> req(http::verb::get, "/widget.js", 11);
  req.set(http::field::accept_encoding, "gzip");
  req.set(http::field::if_none_match, header(gz, "ETag"));
  CHECK(http_send(server.port(), std::move(req)).response.result_int() == 304);
  const auto refused = get_with(server.port(), "/widget.js", http::field::accept_encoding, "gzip;q=0");
  CHECK(refused.response.body() == plain.response.body());
}

TEST_CASE("HEAD /widget.js has the GET headers and no body", "[e2e]") {
  server_process server;
  const auto get = http_get(server.port(), "/widget.js");
  const auto head = http_get(server.port(), "/widget.js", http::verb::head);
  REQUIRE(!head.ec);
  CHECK(head.response.result_int() == 200);
  CHECK(head.response.body().empty());
  CHECK(header(head, "Content-Length") == std::to_string(get.response.body().size()));
  CHECK(header(head, "ETag") == header(get, "ETag"));
  CHECK(header(head, "Content-Type") == "text/javascript; charset=utf-8");
}

TEST_CASE("GET / serves the demo page with a policy for its own scripts, styles and WebSocket", "[e2e]") {
  server_process server;
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  const auto r = get_with(server.port(), "/", http::field::host, host);
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  CHECK(header(r, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(r, "Cache-Control") == "no-cache");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(!header(r, "ETag").empty());
  const auto csp = header(r, "Content-Security-Policy");
  INFO("Content-Security-Policy: " << csp);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("connect-src 'self' ws://" + host + " wss://" + host) != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("frame-ancestors 'self'") != std::string::npos);
  CHECK(r.response.body().find("<script src=\"/widget.js\"") != std::string::npos);
  CHECK(r.response.body().find("data-mode=\"launcher\"") != std::string::npos);

  CHECK(header(r, "Access-Control-Allow-Origin").empty());

  const auto css = http_get(server.port(), "/demo.css");
  CHECK(css.response.result_int() == 200);
  CHECK(header(css, "Content-Type") == "text/css; charset=utf-8");
}

TEST_CASE("/?embed=full is the full-page variant with its own ETag", "[e2e]") {
  server_process server;
  const auto page = http_get(server.port(), "/");
  const auto full = http_get(server.port(), "/?embed=full");
  REQUIRE(full.response.result_int() == 200);
  CHECK(full.response.body().find("data-mode=\"full\"") != std::string::npos);
  CHECK(full.response.body().find("<body class=\"full\">") != std::string::npos);
  CHECK(header(full, "ETag") != header(page, "ETag"));
  const auto cached = get_with(server.port(), "/?embed=full", http::field::if_none_match, header(page, "ETag"));
  CHECK(cached.response.result_int() == 200);  // the other variant's tag does not match
}

TEST_CASE("the demo page may be framed by the allowed origins only", "[e2e]") {
  server_process server({"--allowed-origins", "https://a.example,https://b.example"});
  const auto r = http_get(server.port(), "/");
  CHECK(header(r, "Content-Security-Policy").ends_with("frame-ancestors 'self' https://a.example https://b.example"));
}

TEST_CASE("static routes answer only GET and HEAD, unknown files are 404", "[e2e]") {
  server_process server;
  const auto post = http_post(server.port(), "/widget.js", "{}");
  CHECK(post.response.result_int() == 405);
  CHECK(http_get(server.port(), "/index.html").response.result_int() == 404);
  CHECK(http_get(server.port(), "/widget.js.map").response.result_int() == 404);
}
