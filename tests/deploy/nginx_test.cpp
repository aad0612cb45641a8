// The nginx site (deploy/nginx/advisor.conf) in front of the real advisor:
// real nginx, a throw-away certificate, wss:// chat and HTTPS API calls
// through it. To add a route test (say a signed webhook under /hooks/...),
// start a `front` and use https_post_json(front.nginx.tls_port(), ...).
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <catch2/catch.hpp>

#include "tests/deploy/nginx_process.hpp"
#include "tests/deploy/tls_clients.hpp"
#include "tests/e2e/client_run.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;

namespace {

// The advisor on an ephemeral port with nginx in front of it.
struct front {
  server_process advisor;
  nginx_process nginx;

  explicit front(const std::vector<std::string>& advisor_args = {}, const std::vector<std::string>& env = {})
      : advisor(advisor_args, env), nginx(advisor.port()) {}

  const std::filesystem::path& ca() const { return nginx.cert_file(); }
};

json::object json_of(const http_result& r) {
  error_code ec;
  auto v = json::parse(r.response.body(), ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

}  // namespace

TEST_CASE("nginx: wss:// chat through the TLS proxy gets the welcome and replies with intents", "[deploy][e2e]") {
  front f;
  wss_client ws(f.ca());
  const auto ec = ws.connect(f.nginx.tls_port());
  INFO("connect: " << ec.message() << "\n" << f.nginx.error_log());
  REQUIRE(!ec);

  const auto welcome = ws.read_json();
  REQUIRE(str(welcome, "type") == "welcome");
  REQUIRE(!str(welcome, "session").empty());

  REQUIRE(!ws.send_text(R"({"type":"message","id":"n1","text":"What is a technical program manager?"})"));
  const auto reply = ws.read_json();
  INFO("read: " << ws.last_error().message());
  REQUIRE(str(reply, "type") == "reply");
  REQUIRE(str(reply, "reply_to") == "n1");
  REQUIRE(str(reply, "intent") == "role_definition");
  REQUIRE(reply.at("roles").as_array().size() == 1);
  REQUIRE(reply.at("roles").as_array()[0].as_string() == "tpm");

  // A follow-up uses the conversation's context across the proxy.
  REQUIRE(!ws.send_text(R"({"type":"message","id":"n2","text":"and for product managers?"})"));
  const auto follow = ws.read_json();
  REQUIRE(str(follow, "type") == "reply");
  REQUIRE(str(follow, "reply_to") == "n2");
  REQUIRE(str(follow, "intent") == "role_definition");

  REQUIRE(!ws.send_text(R"({"type":"ping","id":"p"})"));
  REQUIRE(str(ws.read_json(), "type") == "pong");
  // The closing handshake crosses the proxy: the server answers 1000.
  const auto closed = ws.close();
  INFO("close: " << closed.message());
  REQUIRE(ws.close_code() == 1000);
}

TEST_CASE("nginx: an idle wss:// chat outlives the server's idle timeout thanks to pings through the proxy",
          "[deploy][e2e]") {
  // Idle timeout 2 s: the server pings after 1 s idle and closes after 2 s
  // without a pong. The client answers pings while it reads, so the chat
  // lives only if pings and pongs cross nginx.
  front f({"--idle-timeout", "2s"});
  wss_client ws(f.ca());
  REQUIRE(!ws.connect(f.nginx.tls_port()));
  REQUIRE(str(ws.read_json(), "type") == "welcome");
  const auto reply = ws.idle_then_ask(std::chrono::milliseconds(3500),
                                      R"({"type":"message","id":"late","text":"What skills does a PM need?"})");
  INFO("read: " << ws.last_error().message() << "\n" << f.nginx.error_log());
  REQUIRE(str(reply, "reply_to") == "late");
  REQUIRE(str(reply, "intent") == "skills");
}

TEST_CASE("nginx: POST /api/v1/chat over https, health, redirect and the body limit", "[deploy][e2e]") {
  front f;

  SECTION("the chat API answers through the proxy and the session round-trips") {
    auto r = https_post_json(f.nginx.tls_port(), f.ca(), "/api/v1/chat",
                             R"({"text":"What skills does a PM need?","id":"h1"})");
    INFO("https: " << r.ec.message() << "\n" << f.nginx.error_log());
    REQUIRE(!r.ec);
    REQUIRE(r.response.result_int() == 200);
    auto body = json_of(r);
    REQUIRE(str(body, "type") == "reply");
    REQUIRE(str(body, "reply_to") == "h1");
    REQUIRE(str(body, "intent") == "skills");
    const auto session = str(body, "session");
    REQUIRE(!session.empty());

    auto again = https_post_json(f.nginx.tls_port(), f.ca(), "/api/v1/chat",
                                 R"({"text":"what about TPMs?","session":")" + session + R"("})");
    REQUIRE(again.response.result_int() == 200);
    auto body2 = json_of(again);
    REQUIRE(str(body2, "session") == session);
    REQUIRE(str(body2, "intent") == "skills");
    REQUIRE(body2.at("roles").as_array()[0].as_string() == "tpm");
  }

  SECTION("/healthz and /readyz answer 200 through the proxy, with HSTS") {
    auto h = https_get(f.nginx.tls_port(), f.ca(), "/healthz");
    REQUIRE(!h.ec);
    REQUIRE(h.response.result_int() == 200);
    REQUIRE(h.response["Strict-Transport-Security"].starts_with("max-age="));
    auto r = https_get(f.nginx.tls_port(), f.ca(), "/readyz");
    REQUIRE(r.response.result_int() == 200);
    REQUIRE(str(json_of(r), "status") == "ready");
  }

  SECTION("plain http is redirected to https") {
    auto r = http_get(f.nginx.http_port(), "/api/v1/chat");
    REQUIRE(!r.ec);
    REQUIRE(r.response.result_int() == 301);
    REQUIRE(r.response[http::field::location].starts_with("https://"));
  }

  SECTION("a body over 64 KiB is refused with 413 at the edge, one within it reaches the server") {
    auto big = https_post_json(f.nginx.tls_port(), f.ca(), "/api/v1/chat",
                               R"({"text":")" + std::string(70 * 1024, 'a') + R"("})");
    REQUIRE(!big.ec);
    REQUIRE(big.response.result_int() == 413);
    // nginx's own page, not the server's JSON: refused before the upstream.
    REQUIRE(big.response[http::field::content_type].starts_with("text/html"));
    // 60 KiB passes nginx; the server then answers too_long (text limit).
    auto mid = https_post_json(f.nginx.tls_port(), f.ca(), "/api/v1/chat",
                               R"({"text":")" + std::string(60 * 1024, 'a') + R"("})");
    REQUIRE(!mid.ec);
    REQUIRE(mid.response.result_int() == 400);
    REQUIRE(json_of(mid).at("error").as_object().at("code").as_string() == "too_long");
  }

  SECTION("GET /ws without an upgrade gets the server's 426") {
    auto r = https_get(f.nginx.tls_port(), f.ca(), "/ws");
    REQUIRE(r.response.result_int() == 426);
  }

  SECTION("an untrusted certificate is refused by the client (TLS is really on)") {
    // Trust a different self-signed certificate: the handshake must fail.
    nginx_process other(f.advisor.port());
    // The same port answers a client that trusts nginx's certificate, so a
    // failure below is the verification, not a refused connection or timeout.
    const auto trusted = https_get(f.nginx.tls_port(), f.ca(), "/healthz");
    INFO(trusted.ec.message());
    REQUIRE(!trusted.ec);
    REQUIRE(trusted.response.result_int() == 200);
    auto r = https_get(f.nginx.tls_port(), other.cert_file(), "/healthz");
    INFO(r.ec.message() << " (category " << r.ec.category().name() << ")");
    REQUIRE(r.ec);
    REQUIRE(r.ec.category() == net::error::get_ssl_category());
    REQUIRE(ERR_GET_REASON(static_cast<unsigned long>(r.ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED);
  }
}

TEST_CASE("nginx: a signed Teams webhook is answered through the TLS proxy, a tampered one refused", "[deploy][e2e]") {
  // integrations.md's Teams vector: nginx must pass the raw body and the
  // Authorization header through unchanged for the HMAC to verify.
  const std::string body = R"({"type":"message","text":"<at>Bot</at> hello"})";
  const std::string auth = "HMAC NFJ/F4oE3MimwSbEE6PUFDgawiB3QuNNLzRi9lGzu6w=";
  front f({}, {"ADVISOR_TEAMS_SECRETS==vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="});
  const auto ok = https_post_json(f.nginx.tls_port(), f.ca(), "/hooks/teams", body, {{"Authorization", auth}});
  INFO(ok.ec.message() << " " << ok.response.body());
  REQUIRE(!ok.ec);
  REQUIRE(ok.response.result_int() == 200);
  const auto reply = json_of(ok);
  CHECK(reply.at("type") == "message");
  CHECK(!reply.at("text").as_string().empty());

  std::string tampered = body;
  tampered.replace(tampered.find("hello"), 5, "hellO");
  const auto bad = https_post_json(f.nginx.tls_port(), f.ca(), "/hooks/teams", tampered, {{"Authorization", auth}});
  REQUIRE(!bad.ec);
  CHECK(bad.response.result_int() == 401);
}

TEST_CASE("nginx: advisor-client over wss:// refuses an untrusted certificate (exit 2), --insecure chats",
          "[deploy][e2e][client]") {
  front f;
  temp_file script("What does a TPM do?\n");
  const std::string url = "wss://127.0.0.1:" + std::to_string(f.nginx.tls_port()) + "/ws";

  // nginx's throw-away certificate is in no trust store the client uses.
  const auto refused = run_client("--timeout 20 --script " + script.path.string() + " " + url);
  INFO(refused.out << refused.err);
  CHECK(refused.status == 2);  // connection failed (TLS failure)
  CHECK(refused.err.find("TLS handshake failed") != std::string::npos);
  CHECK(refused.err.find("not trusted") != std::string::npos);
  CHECK(refused.err.find("--insecure") != std::string::npos);
  CHECK(refused.out.find("Technical Program Manager (TPM) coordinates") == std::string::npos);

  const auto insecure = run_client("--insecure --timeout 20 --script " + script.path.string() + " " + url);
  INFO(insecure.out << insecure.err << "\n" << f.nginx.error_log());
  CHECK(insecure.status == 0);
  CHECK(insecure.out.find("Hi! Ask me how a Technical Program Manager") != std::string::npos);
  CHECK(insecure.out.find("A Technical Program Manager (TPM) coordinates") != std::string::npos);
}
