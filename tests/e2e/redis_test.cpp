// The Redis session store with a real redis-server: two advisor processes
// share conversations; Redis going away never fails a reply.
#include <catch2/catch.hpp>
#include <thread>

#include "bot/channels/crypto.hpp"
#include "tests/e2e/clients.hpp"
#include "tests/e2e/redis_process.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;

namespace {

// Waits (bounded) until Redis holds the session with a topic (a
// conversation's text form "v2:<intent name>:<roles>:..." with an intent
// other than "-"; see conversation.hpp): saves are written behind the reply, by the store's writer thread,
// and the session was first saved without a topic when it opened.
bool wait_for_topic(const redis_process& redis, const std::string& session) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto value = redis_command(redis.port(), "GET advisor:session:" + session);
    if (value.rfind("v2:", 0) == 0 && value.rfind("v2:-:", 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Waits (bounded) until Redis holds the session at all.
bool wait_for_key(const redis_process& redis, const std::string& session) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (redis_command(redis.port(), "EXISTS advisor:session:" + session) == ":1") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

json::object ask(ws_client& ws, const std::string& id, const std::string& text) {
  REQUIRE(!ws.send_text(R"({"type":"message","id":")" + id + R"(","text":")" + text + R"("})"));
  auto r = ws.read_json();
  INFO("read: " << ws.last_error().message());
  REQUIRE(str(r, "type") == "reply");
  REQUIRE(str(r, "reply_to") == id);
  return r;
}

std::string roles_of(const json::object& r) {
  std::string out;
  for (const auto& x : r.at("roles").as_array()) out += std::string(x.as_string()) + " ";
  return out;
}

json::object chat(unsigned short port, const std::string& body) {
  const auto r = http_post(port, "/api/v1/chat", body);
  INFO("POST /api/v1/chat: " << r.ec.message() << "; " << r.response.body());
  REQUIRE(!r.ec);  // no answer within 5 s, say: else it would pass as the default 200
  REQUIRE(r.response.result_int() == 200);
  return json_body(r.response);
}

double metric(unsigned short port, const std::string& name) {
  const auto body = http_get(port, "/metrics").response.body();
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

}  // namespace

TEST_CASE("redis: a conversation begun on one replica continues on another", "[e2e][redis]") {
  redis_process redis;
  server_process a({"--sessions", redis.url()});
  server_process b({"--sessions", redis.url()});

  SECTION("widget resume: /ws?session= on the second replica keeps the context") {
    std::string session;
    {
      ws_client ws;
      REQUIRE(!ws.connect(a.port()));
      const auto welcome = ws.read_json();
      session = str(welcome, "session");
      REQUIRE(!session.empty());
      const auto r = ask(ws, "a1", "What skills does a PM need?");
      REQUIRE(str(r, "intent") == "skills");
      REQUIRE(roles_of(r) == "pm ");
      ws.close();
    }
    REQUIRE(wait_for_topic(redis, session));
    ws_client ws;
    REQUIRE(!ws.connect(b.port(), "/ws?session=" + session));
    REQUIRE(str(ws.read_json(), "session") == session);
    const auto r = ask(ws, "b1", "what about TPMs?");
    REQUIRE(str(r, "intent") == "skills");  // the topic came across from the first replica
    REQUIRE(roles_of(r) == "tpm ");
  }

  SECTION("/api/v1/chat: a session begun on one replica continues on the other") {
    const auto first = chat(a.port(), R"({"text":"How technical is a TPM?"})");
    REQUIRE(str(first, "intent") == "technical_expertise");
    const auto session = str(first, "session");
    REQUIRE(wait_for_topic(redis, session));
    const auto second = chat(b.port(), R"({"text":"and for product managers?","session":")" + session + R"("})");
    REQUIRE(str(second, "session") == session);
    REQUIRE(str(second, "intent") == "technical_expertise");
    REQUIRE(roles_of(second) == "pm ");
  }

  SECTION("the session keys expire with the idle time") {
    const auto first = chat(a.port(), R"({"text":"hi"})");
    REQUIRE(wait_for_key(redis, str(first, "session")));
    const auto ttl = redis_command(redis.port(), "PTTL advisor:session:" + str(first, "session"));
    REQUIRE(ttl.size() > 1);
    const long long ms = std::stoll(ttl.substr(1));
    REQUIRE(ms > 29 * 60 * 1000);
    REQUIRE(ms <= 30 * 60 * 1000);
  }
  REQUIRE(metric(a.port(), "advisor_session_store_up") == 1);
}

TEST_CASE("redis: stopping Redis mid-conversation keeps both replicas answering", "[e2e][redis]") {
  redis_process redis;
  server_process a({"--sessions", redis.url()});
  server_process b({"--sessions", redis.url()});

  ws_client ws;
  REQUIRE(!ws.connect(a.port()));
  const auto session = str(ws.read_json(), "session");
  REQUIRE(str(ask(ws, "1", "What skills does a PM need?"), "intent") == "skills");
  REQUIRE(wait_for_topic(redis, session));

  redis.stop();

  // The open chat goes on: its context lives in the connection.
  const auto r = ask(ws, "2", "what about TPMs?");
  REQUIRE(str(r, "intent") == "skills");
  REQUIRE(roles_of(r) == "tpm ");
  // Resuming elsewhere now starts afresh, but is answered.
  ws_client other;
  REQUIRE(!other.connect(b.port(), "/ws?session=" + session));
  const auto welcome = other.read_json();
  REQUIRE(str(welcome, "type") == "welcome");
  REQUIRE(str(welcome, "session") != session);
  REQUIRE(str(ask(other, "3", "What is a technical program manager?"), "intent") == "role_definition");
  for (auto port : {a.port(), b.port()}) {
    const auto c = chat(port, R"({"text":"What skills does a PM need?","session":")" + session + R"("})");
    REQUIRE(str(c, "intent") == "skills");
  }
  // (That refused connections are not retried on every request is
  // redis_session_store_test's "Redis down" case, counted, not timed.)
  REQUIRE(metric(b.port(), "advisor_session_store_up") == 0);
  REQUIRE(metric(b.port(), "advisor_session_store_errors_total") >= 1);
  REQUIRE(b.wait_for_output("\"session_store_down\""));

  // Redis back: the replicas use it again (after the reconnect interval).
  redis.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string again;
  while (std::chrono::steady_clock::now() < deadline) {
    again = str(chat(b.port(), R"({"text":"hi"})"), "session");
    if (redis_command(redis.port(), "EXISTS advisor:session:" + again) == ":1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(redis_command(redis.port(), "EXISTS advisor:session:" + again) == ":1");
  REQUIRE(b.wait_for_output("\"session_store_up\""));
}

TEST_CASE("redis: a Slack channel's follow-up is answered in context by another replica", "[e2e][redis][channels]") {
  namespace ch = advisor::channels;
  const std::string secret = "8f742231b10e8888abcd99yyyzzz85a5";
  redis_process redis;
  const std::vector<std::string> env = {"ADVISOR_SLACK_SIGNING_SECRET=" + secret};
  server_process a({"--sessions", redis.url()}, env);
  server_process b({"--sessions", redis.url()}, env);

  auto slash = [&](unsigned short port, const std::string& channel, const std::string& text) {
    std::string escaped;
    for (char c : text) escaped += c == ' ' ? std::string("+") : c == '?' ? std::string("%3F") : std::string(1, c);
    std::string body = "team_id=T0001&channel_id=" + channel + "&user_id=U0001&command=%2Fadvisor&text=" + escaped;
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const std::string sig = "v0=" + ch::to_hex(ch::hmac_sha256(secret, "v0:" + ts + ":" + body));
    http::request<http::string_body> req(http::verb::post, "/hooks/slack", 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set("X-Slack-Request-Timestamp", ts);
    req.set("X-Slack-Signature", sig);
    req.body() = std::move(body);
    req.prepare_payload();
    const auto r = http_send(port, std::move(req));
    INFO(r.response.body());
    REQUIRE(r.response.result_int() == 200);
    return r.response.body();
  };

  const auto first = slash(a.port(), "C100", "What skills does a TPM need?");
  CHECK(first.find("Essential Skills and Competencies") != std::string::npos);
  // The channel's context is saved behind the reply; wait until Redis has it.
  REQUIRE(wait_for_topic(redis, "slack/T0001/C100/U0001"));
  const auto follow_up = slash(b.port(), "C100", "what about PMs?");
  CHECK(follow_up.find("Essential Skills and Competencies") != std::string::npos);
  CHECK(follow_up.find("Product Manager") != std::string::npos);
  // Another channel has no such context on either replica.
  const auto other = slash(b.port(), "C200", "what about PMs?");
  CHECK(other.find("Essential Skills and Competencies") == std::string::npos);
}

TEST_CASE("redis: a frozen Redis (SIGSTOP) past the store's timeout does not hold replies, and SIGCONT recovers",
          "[e2e][redis]") {
  redis_process redis;
  server_process a({"--sessions", redis.url()});
  ws_client ws;
  REQUIRE(!ws.connect(a.port()));
  const auto session = str(ws.read_json(), "session");
  REQUIRE(str(ask(ws, "1", "What skills does a PM need?"), "intent") == "skills");
  REQUIRE(wait_for_topic(redis, session));
  const auto api = chat(a.port(), R"({"text":"How technical is a TPM?"})");
  const auto api_session = str(api, "session");
  REQUIRE(wait_for_topic(redis, api_session));

  redis.pause();
  // The open chat goes on in context; its saves time out behind the replies.
  for (const auto* id : {"2", "3", "4"}) {
    const auto r = ask(ws, id, "what about TPMs?");
    REQUIRE(str(r, "intent") == "skills");
    REQUIRE(roles_of(r) == "tpm ");
  }
  // A request that loads its session waits for the store's timeout, then is
  // answered without it: a fresh conversation, so no follow-up on the topic.
  const auto c = chat(a.port(), R"({"text":"and for product managers?","session":")" + api_session + R"("})");
  REQUIRE(str(c, "type") == "reply");
  REQUIRE(str(c, "intent") == "role_definition");
  REQUIRE(a.wait_for_output("\"session_store_down\""));
  REQUIRE(metric(a.port(), "advisor_session_store_up") == 0);
  REQUIRE(metric(a.port(), "advisor_session_store_errors_total") >= 1);

  redis.resume();
  // Back after the reconnect interval: new conversations are stored again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string again;
  while (std::chrono::steady_clock::now() < deadline) {
    again = str(chat(a.port(), R"({"text":"hi"})"), "session");
    if (redis_command(redis.port(), "EXISTS advisor:session:" + again) == ":1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(redis_command(redis.port(), "EXISTS advisor:session:" + again) == ":1");
  REQUIRE(a.wait_for_output("\"session_store_up\""));
  REQUIRE(metric(a.port(), "advisor_session_store_up") == 1);
  REQUIRE(str(ask(ws, "5", "What does a TPM do?"), "intent") == "role_definition");
}

TEST_CASE("redis: using a conversation resets its key's expiry to the whole idle time", "[e2e][redis]") {
  redis_process redis;
  server_process a({"--sessions", redis.url(), "--session-idle", "10m"});
  const auto first = chat(a.port(), R"({"text":"What skills does a PM need?"})");
  const auto session = str(first, "session");
  REQUIRE(wait_for_topic(redis, session));
  const std::string key = "advisor:session:" + session;
  const auto pttl = [&] {
    const auto v = redis_command(redis.port(), "PTTL " + key);
    return v.size() > 1 && v[0] == ':' ? std::stoll(v.substr(1)) : -100;
  };

  // Age the key as if the conversation had been idle: 5 s left.
  REQUIRE(redis_command(redis.port(), "PEXPIRE " + key + " 5000") == ":1");
  REQUIRE(pttl() <= 5000);

  // Using it answers in context and gives the key its 10 minutes again.
  const auto second = chat(a.port(), R"({"text":"what about TPMs?","session":")" + session + R"("})");
  REQUIRE(str(second, "session") == session);
  REQUIRE(str(second, "intent") == "skills");
  REQUIRE(roles_of(second) == "tpm ");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  long long left = pttl();
  while (left <= 9 * 60 * 1000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = pttl();
  }
  INFO("PTTL " << left);
  REQUIRE(left > 9 * 60 * 1000);
  REQUIRE(left <= 10 * 60 * 1000);
}
