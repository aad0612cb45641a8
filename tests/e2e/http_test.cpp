// End-to-end tests of the HTTP routes (protocol.md) and the command line
// against the real server binary.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/e2e/binaries.hpp"
#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;

namespace {

http_result chat_post(unsigned short port, const std::string& body,
                      const std::string& content_type = "application/json") {
  return http_post(port, "/api/v1/chat", body, content_type);
}

void require_error_response(const http_result& r, unsigned status, const std::string& code) {
  INFO("status " << r.response.result_int() << " body " << r.response.body());
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == status);
  REQUIRE(r.response[http::field::content_type].starts_with("application/json"));
  const auto body = json_body(r.response);
  REQUIRE(error_code_of(body) == code);
  REQUIRE(body.at("error").at("message").is_string());
}

void require_healthy(unsigned short port) {
  const auto r = http_get(port, "/healthz");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
}

// Runs the server binary with args to completion; returns its exit status
// and its stdout+stderr.
int run_cli(const std::string& args, std::string& output, const std::string& env = {}) {
  const std::string cmd = env + " " + advisor::test::server_binary() + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("the first stdout line is the JSON listening event with the real port", "[e2e]") {
  server_process server;
  error_code ec;
  const auto v = json::parse(server.first_line(), ec);
  REQUIRE(!ec);
  const auto& o = v.as_object();
  REQUIRE(str(o, "event") == "listening");
  REQUIRE(str(o, "level") == "info");
  REQUIRE(str(o, "address") == "127.0.0.1");
  REQUIRE(o.at("time").is_string());
  REQUIRE(o.at("port").to_number<int>() == server.port());
  REQUIRE(server.port() != 0);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("/healthz and /readyz answer 200 with JSON", "[e2e]") {
  server_process server;
  auto r = http_get(server.port(), "/healthz");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(str(json_body(r.response), "status") == "ok");
  r = http_get(server.port(), "/readyz");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(str(json_body(r.response), "status") == "ready");
  r = http_get(server.port(), "/healthz", http::verb::head);
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("unknown routes get 404 and known routes with another method 405 with Allow", "[e2e]") {
  server_process server;
  for (const char* target : {"/nope", "/nope.js", "/api/v1/chat/x", "/hooks/slack"}) {
    INFO(target);
    require_error_response(http_get(server.port(), target), 404, "not_found");
  }
  auto r = http_get(server.port(), "/healthz", http::verb::post);
  require_error_response(r, 405, "method_not_allowed");
  REQUIRE(r.response[http::field::allow].find("GET") != std::string::npos);
  r = http_get(server.port(), "/api/v1/chat");
  require_error_response(r, 405, "method_not_allowed");
  REQUIRE(r.response[http::field::allow] == "POST");
  r = http_get(server.port(), "/metrics", http::verb::delete_);
  require_error_response(r, 405, "method_not_allowed");
  require_error_response(http_get(server.port(), "/ws"), 426, "upgrade_required");
  require_healthy(server.port());
  REQUIRE(server.stop() == 0);
}

TEST_CASE("POST /api/v1/chat answers with the reply object plus a session", "[e2e]") {
  server_process server;
  auto r = chat_post(server.port(), R"({"text":"What does a TPM do?","id":"h1"})");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(r.response[http::field::content_type].starts_with("application/json"));
  auto body = json_body(r.response);
  REQUIRE(str(body, "type") == "reply");
  REQUIRE(str(body, "reply_to") == "h1");
  REQUIRE(body.at("intent").is_string());
  REQUIRE(body.at("roles").is_array());
  REQUIRE(body.at("sources").is_array());
  REQUIRE(body.at("suggestions").is_array());
  REQUIRE(body.at("confidence").is_number());
  const auto session = str(body, "session");
  REQUIRE(!session.empty());

  SECTION("the session round-trips with its context") {
    r = chat_post(server.port(), R"({"text":"What skills does a TPM need?","session":")" + session + "\"}");
    REQUIRE(r.response.result_int() == 200);
    body = json_body(r.response);
    const auto tpm_intent = str(body, "intent");
    REQUIRE(tpm_intent == "skills");
    REQUIRE(body.at("roles") == boost::json::array{"tpm"});
    r = chat_post(server.port(), R"({"text":"what about PMs?","session":")" + session + "\"}");
    REQUIRE(r.response.result_int() == 200);
    body = json_body(r.response);
    INFO(boost::json::serialize(body));
    REQUIRE(str(body, "session") == session);
    REQUIRE(body.at("reply_to").is_null());
    // Answered in context: the same question, about the other role.
    REQUIRE(str(body, "intent") == tpm_intent);
    REQUIRE(body.at("roles") == boost::json::array{"pm"});
    // Without the session the same words are not that question.
    r = chat_post(server.port(), R"({"text":"what about PMs?"})");
    REQUIRE(r.response.result_int() == 200);
    REQUIRE(str(json_body(r.response), "intent") != tpm_intent);
  }
  SECTION("an unknown session starts a new one") {
    r = chat_post(server.port(), R"({"text":"hello","session":"unknown-id"})");
    REQUIRE(r.response.result_int() == 200);
    const auto fresh = str(json_body(r.response), "session");
    REQUIRE(!fresh.empty());
    REQUIRE(fresh != "unknown-id");
    REQUIRE(fresh != session);
  }
  SECTION("charset parameter and null session are accepted") {
    r = chat_post(server.port(), R"({"text":"hello","session":null})", "application/json; charset=utf-8");
    REQUIRE(r.response.result_int() == 200);
    REQUIRE(!str(json_body(r.response), "session").empty());
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("POST /api/v1/chat rejects bad input with 4xx JSON errors", "[e2e]") {
  server_process server;
  const auto port = server.port();
  require_error_response(chat_post(port, R"({"text":"hi"})", "application/xml"), 415, "unsupported_media_type");
  require_error_response(chat_post(port, R"({"text":"hi"})", "multipart/form-data; boundary=x"), 415,
                         "unsupported_media_type");
  require_error_response(chat_post(port, R"({"text":"hi"})", "application/json; charset=latin1"), 415,
                         "unsupported_media_type");
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded"}) {
    INFO("Content-Type: " << type);
    const auto r = chat_post(port, R"({"text":"what does a TPM do?"})", type);
    REQUIRE(r.response.result_int() == 200);
    CHECK(json_body(r.response).at("intent") == "role_definition");
  }
  require_error_response(chat_post(port, "not json"), 400, "bad_json");
  require_error_response(chat_post(port, "[\"text\"]"), 400, "bad_json");
  require_error_response(chat_post(port, ""), 400, "bad_json");
  require_error_response(chat_post(port, R"({"txt":"hi"})"), 400, "bad_request");
  require_error_response(chat_post(port, R"({"text":5})"), 400, "bad_request");
  require_error_response(chat_post(port, R"({"text":"  "})"), 400, "bad_request");
  require_error_response(chat_post(port, R"({"text":"hi","session":5})"), 400, "bad_request");
  require_error_response(chat_post(port, "{\"text\":\"" + std::string(1001, 'x') + "\"}"), 400, "too_long");
  // Within the 64 KiB body limit but over the text limit: too_long.
  require_error_response(chat_post(port, "{\"text\":\"" + std::string(60000, 'x') + "\"}"), 400, "too_long");
  // Over the body limit: 413.
  require_error_response(chat_post(port, "{\"text\":\"" + std::string(70000, 'x') + "\"}"), 413, "payload_too_large");
  // Exactly 64 KiB of body is within the limit.
  std::string exact = R"({"text":"hi"})";
  exact.insert(exact.size() - 1, std::string(65536 - exact.size(), ' '));
  REQUIRE(chat_post(port, exact).response.result_int() == 200);
  require_healthy(port);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("malformed HTTP, oversized headers and Expect: 100-continue", "[e2e]") {
  server_process server;
  const auto port = server.port();
  auto answer = raw_exchange(port, "GARBAGE\r\n\r\n");
  REQUIRE(answer.starts_with("HTTP/1.1 400"));
  REQUIRE(answer.find("\"bad_request\"") != std::string::npos);

  answer = raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n");
  REQUIRE(answer.starts_with("HTTP/1.1 431"));

  const std::string body = R"({"text":"What does a PM do?"})";
  answer = raw_exchange(port,
                        "POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(answer.starts_with("HTTP/1.1 100 Continue\r\n"));
  REQUIRE(answer.find("HTTP/1.1 200 OK") != std::string::npos);

  // A declared body over the limit is refused before it is sent.
  answer = raw_exchange(port,
                        "POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
  REQUIRE(answer.starts_with("HTTP/1.1 413"));

  // Keep-alive: two requests on one connection, answered in order.
  answer = raw_exchange(port,
                        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: "
                        "close\r\n\r\n");
  const auto second = answer.find("HTTP/1.1 404");
  REQUIRE(answer.starts_with("HTTP/1.1 200"));
  REQUIRE(second != std::string::npos);
  require_healthy(port);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("/metrics exposes the advisor's metrics in Prometheus text format", "[e2e]") {
  server_process server;
  const auto port = server.port();
  REQUIRE(chat_post(port, R"({"text":"What does a TPM do?"})").response.result_int() == 200);
  require_error_response(chat_post(port, "nope"), 400, "bad_json");
  const auto r = http_get(port, "/metrics");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(r.response[http::field::content_type] == "text/plain; version=0.0.4");
  const std::string& m = r.response.body();
  for (const char* name : {"advisor_connections_current", "advisor_connections_total", "advisor_messages_total",
                           "advisor_replies_total", "advisor_errors_total", "advisor_fallbacks_total",
                           "advisor_reply_latency_seconds", "advisor_sessions", "advisor_http_requests_total"}) {
    INFO(name);
    REQUIRE(m.find(std::string("# TYPE ") + name + " ") != std::string::npos);
    REQUIRE(m.find(std::string("# HELP ") + name + " ") != std::string::npos);
  }
  REQUIRE(m.find("advisor_errors_total{code=\"bad_json\"} 1\n") != std::string::npos);
  REQUIRE(m.find("advisor_messages_total 2\n") != std::string::npos);
  REQUIRE(m.find("advisor_sessions 1\n") != std::string::npos);
  REQUIRE(m.find("advisor_reply_latency_seconds_bucket{le=\"+Inf\"} 1\n") != std::string::npos);
  REQUIRE(m.find("advisor_reply_latency_seconds_count 1\n") != std::string::npos);
  REQUIRE(m.find("advisor_http_requests_total{route=\"/api/v1/chat\",status=\"200\"} 1\n") != std::string::npos);
  // One reply counted under some intent.
  const std::regex reply_line(R"(advisor_replies_total\{intent="[a-z_]+"\} 1\n)");
  REQUIRE(std::regex_search(m, reply_line));
  REQUIRE(server.stop() == 0);
}

TEST_CASE("logs are JSON lines without user text unless --log-text", "[e2e]") {
  const std::string secret = "zebra-secret-question";
  {
    server_process server;
    REQUIRE(chat_post(server.port(), "{\"text\":\"" + secret + "\"}").response.result_int() == 200);
    REQUIRE(server.stop() == 0);
    const auto out = server.output();
    REQUIRE(out.find("\"event\":\"reply\"") != std::string::npos);
    REQUIRE(out.find("\"latency_us\":") != std::string::npos);
    REQUIRE(out.find(secret) == std::string::npos);
    REQUIRE(server.error_output().find(secret) == std::string::npos);
    std::size_t start = 0;
    while (start < out.size()) {
      const auto end = out.find('\n', start);
      REQUIRE(end != std::string::npos);
      error_code ec;
      const auto v = json::parse(out.substr(start, end - start), ec);
      INFO(out.substr(start, end - start));
      REQUIRE(!ec);
      REQUIRE(v.as_object().contains("time"));
      REQUIRE(v.as_object().contains("level"));
      REQUIRE(v.as_object().contains("event"));
      start = end + 1;
    }
  }
  {
    server_process server({"--log-text"});
    REQUIRE(chat_post(server.port(), "{\"text\":\"" + secret + "\"}").response.result_int() == 200);
    REQUIRE(server.wait_for_output(secret));
    REQUIRE(server.stop() == 0);
  }
}

TEST_CASE("command line: --help, bad flags exit 2, --check", "[e2e]") {
  std::string out;
  REQUIRE(run_cli("--help", out) == 0);
  for (const char* flag : {"--port",
                           "--bind",
                           "--threads",
                           "--rules",
                           "--knowledge",
                           "--max-message-bytes",
                           "--max-text-chars",
                           "--max-body-bytes",
                           "--max-header-bytes",
                           "--max-connections",
                           "--msg-rate",
                           "--msg-burst",
                           "--idle-timeout",
                           "--handshake-timeout",
                           "--allowed-origins",
                           "--shutdown-timeout",
                           "--log-level",
                           "--log-text",
                           "--session-idle",
                           "--max-sessions",
                           "--check",
                           "ADVISOR_PORT"}) {
    INFO(flag);
    REQUIRE(out.find(flag) != std::string::npos);
  }
  out.clear();
  REQUIRE(run_cli("--no-such-flag", out) == 2);
  REQUIRE(out.find("--no-such-flag") != std::string::npos);
  out.clear();
  REQUIRE(run_cli("--port", out) == 2);
  out.clear();
  REQUIRE(run_cli("--port 99999", out) == 2);
  out.clear();
  REQUIRE(run_cli("--log-level loud", out) == 2);
  out.clear();
  REQUIRE(run_cli("--check", out, "ADVISOR_PORT=x") == 2);
  REQUIRE(out.find("ADVISOR_PORT") != std::string::npos);
  out.clear();
  REQUIRE(run_cli("--check", out) == 0);
  // The whole output (stdout and stderr) is the one success line.
  INFO(out);
  std::smatch m;
  REQUIRE(std::regex_match(out, m, std::regex(R"(advisor --check: ok: ([0-9]+) rules, ([0-9]+) intents, version [^ ]+ \([^\n]*\)\n)")));
  REQUIRE(std::stoi(m[1].str()) > 0);
  REQUIRE(std::stoi(m[2].str()) > 0);
  out.clear();
  // A broken rule set fails the check with 1 and says so.
  const auto broken = std::filesystem::temp_directory_path() / ("advisor-check-broken-" + std::to_string(::getpid()));
  std::filesystem::create_directories(broken);
  { std::ofstream(broken / "bad.json") << "{ not json"; }
  REQUIRE(run_cli("--check --rules " + broken.string(), out) == 1);
  std::filesystem::remove_all(broken);
  REQUIRE(out.find("advisor --check: ok") == std::string::npos);
  REQUIRE(out.find("problem") != std::string::npos);
}

TEST_CASE("a taken port fails with 1, and the --port flag wins over ADVISOR_PORT", "[e2e]") {
  server_process server;
  const std::string taken = std::to_string(server.port());
  std::string out;
  REQUIRE(run_cli("--bind 127.0.0.1", out, "ADVISOR_PORT=" + taken) == 1);
  REQUIRE(out.find("listen_failed") != std::string::npos);
  ::setenv("ADVISOR_PORT", taken.c_str(), 1);
  std::unique_ptr<server_process> other;
  try {
    other = std::make_unique<server_process>();  // passes --port 0
  } catch (...) {
    ::unsetenv("ADVISOR_PORT");
    throw;
  }
  ::unsetenv("ADVISOR_PORT");
  REQUIRE(other->port() != server.port());
  REQUIRE(other->stop() == 0);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("/readyz answers 503 not_ready while the server drains after SIGTERM", "[e2e]") {
  server_process server({"--shutdown-timeout", "20s"});
  REQUIRE(http_get(server.port(), "/readyz").response.result_int() == 200);
  // A request whose headers are half sent when SIGTERM arrives is read to
  // the end and answered (protocol: in-flight work finishes); by then the
  // server is draining, so /readyz must say it is not ready.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{20, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(server.port());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const std::string head = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  // Give the server time to read the partial header (it reads at once; the
  // wait is generous, not a bound on anything).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  REQUIRE(server.wait_for_output("\"event\":\"shutdown\"", std::chrono::seconds(20)));
  REQUIRE(::send(fd, "\r\n", 2, MSG_NOSIGNAL) == 2);
  std::string in;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  INFO(in);
  REQUIRE(in.starts_with("HTTP/1.1 503 "));
  REQUIRE(in.find("\"not_ready\"") != std::string::npos);
  REQUIRE(server.wait(std::chrono::seconds(30)) == 0);
}
