#include "bot/http/static_routes.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "bot/http/web_assets.hpp"
#include "tests/gunzip.hpp"

using namespace advisor::server;

namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(ADVISOR_TESTS_DIR) + "/../" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string embedded(std::string_view path) {
  for (const auto& f : embedded_web_files()) {
    if (f.path == path) return std::string(f.bytes);
  }
  return {};
}

}  // namespace

TEST_CASE("the binary embeds bot/web/ byte for byte", "[server]") {
  for (const char* name : {"widget.js", "index.html", "demo.css"}) {
    INFO(name);
    const std::string source = read_source(std::string("bot/web/") + name);
    REQUIRE(!source.empty());
    CHECK(embedded(std::string("/") + name) == source);
  }
}

TEST_CASE("scripts and style sheets are embedded gzip-compressed too, the page is not", "[server]") {
  for (const auto& f : embedded_web_files()) {
    INFO(f.path);
    if (f.path.ends_with(".html")) {
      CHECK(f.gzip.empty());
      continue;
    }
    REQUIRE(f.gzip.size() > 18);
    CHECK(static_cast<unsigned char>(f.gzip[0]) == 0x1f);  // the gzip magic number
    CHECK(static_cast<unsigned char>(f.gzip[1]) == 0x8b);
    CHECK(f.gzip.size() < f.bytes.size());
    // The compressed copy is the file: it decompresses (CRC and length
    // checked) to exactly the plain bytes.
    const auto inflated = advisor::test::gunzip(f.gzip);
    REQUIRE(inflated.has_value());
    CHECK(*inflated == f.bytes);
  }
}

TEST_CASE("the demo page carries the markers its full-page variant is made from", "[server]") {
  const std::string page = embedded("/index.html");
  CHECK(page.find("data-mode=\"launcher\"") != std::string::npos);
  CHECK(page.find("<body>") != std::string::npos);
  CHECK(page.find("src=\"/widget.js\"") != std::string::npos);
}

TEST_CASE("entity_tag is a quoted 32-hex-digit digest that changes with the body", "[server]") {
  const auto a = entity_tag("console.log(1)");
  CHECK(a.size() == 34);
  CHECK(a.front() == '"');
  CHECK(a.back() == '"');
  CHECK(a.find_first_not_of("0123456789abcdef", 1) == 33);
  CHECK(entity_tag("console.log(1)") == a);
  CHECK(entity_tag("console.log(2)") != a);
}

TEST_CASE("if_none_match_hits compares a list of tags weakly and honours *", "[server]") {
  const std::string tag = "\"0123abcd\"";
  CHECK(if_none_match_hits("\"0123abcd\"", tag));
  CHECK(if_none_match_hits("W/\"0123abcd\"", tag));
  CHECK(if_none_match_hits("\"x\", \"0123abcd\"", tag));
  CHECK(if_none_match_hits("\"x\",W/\"0123abcd\" ", tag));
  CHECK(if_none_match_hits("*", tag));
  CHECK_FALSE(if_none_match_hits("", tag));
  CHECK_FALSE(if_none_match_hits("\"0123abce\"", tag));
  CHECK_FALSE(if_none_match_hits("0123abcd", tag));
  CHECK_FALSE(if_none_match_hits(",,", tag));
}

TEST_CASE("page_security_policy allows this origin's scripts, styles and WebSocket only", "[server]") {
  const auto csp = page_security_policy("chat.example:8443", {});
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("script-src 'self';") != std::string::npos);
  CHECK(csp.find("style-src 'self';") != std::string::npos);
  CHECK(csp.find("connect-src 'self' ws://chat.example:8443 wss://chat.example:8443;") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("unsafe-eval") == std::string::npos);
}

TEST_CASE("page_security_policy ignores a Host header that is not a plain host", "[server]") {
  const auto csp = page_security_policy("evil.example; script-src *", {});
  CHECK(csp.find("evil") == std::string::npos);
  CHECK(csp.find("connect-src 'self';") != std::string::npos);
}

TEST_CASE("page_security_policy lets the allowed origins frame the page", "[server]") {
  CHECK(page_security_policy("h", {"https://a.example", "https://b.example:8443"})
            .ends_with("frame-ancestors 'self' https://a.example https://b.example:8443"));
  CHECK(page_security_policy("h", {"*"}).ends_with("frame-ancestors *"));
  CHECK(page_security_policy("h", {"https://x; script-src *"}).ends_with("frame-ancestors 'self'"));
}

TEST_CASE("accepts_gzip honours codings, q=0 and the wildcard", "[server]") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  CHECK(accepts_gzip("x-gzip"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("br, deflate"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.000"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, *"));
  CHECK_FALSE(accepts_gzip("*;q=0"));
}
