// End-to-end tests of the WebSocket protocol (protocol.md) against the real
// server binary.
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cerrno>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;

namespace {

// A connected client that has read the welcome.
struct chat {
  ws_client ws;
  json::object welcome;

  explicit chat(unsigned short port, const std::string& target = "/ws") {
    const auto ec = ws.connect(port, target);
    INFO("connect: " << ec.message());
    REQUIRE(!ec);
    welcome = ws.read_json();
    REQUIRE(str(welcome, "type") == "welcome");
  }

  json::object ask(const std::string& frame) {
    REQUIRE(!ws.send_text(frame));
    auto answer = ws.read_json();
    INFO("read: " << ws.last_error().message());
    REQUIRE(!answer.empty());
    return answer;
  }

  // The server still answers a plain message with a reply.
  void require_alive() {
    const auto r = ask(R"({"type":"message","id":"alive","text":"what does a TPM do?"})");
    REQUIRE(str(r, "type") == "reply");
    REQUIRE(str(r, "reply_to") == "alive");
  }
};

void require_reply_shape(const json::object& r) {
  REQUIRE(str(r, "type") == "reply");
  REQUIRE(r.contains("reply_to"));
  REQUIRE(r.at("text").is_string());
  REQUIRE(!r.at("text").as_string().empty());
  REQUIRE(r.at("intent").is_string());
  REQUIRE(!r.at("intent").as_string().empty());
  REQUIRE(r.at("roles").is_array());
  for (const auto& role : r.at("roles").as_array()) {
    REQUIRE(role.is_string());
    REQUIRE((role.as_string() == "tpm" || role.as_string() == "pm"));
  }
  REQUIRE(r.at("confidence").is_number());
  const double c = r.at("confidence").to_number<double>();
  REQUIRE(c >= 0.0);
  REQUIRE(c <= 1.0);
  REQUIRE(r.at("sources").is_array());
  for (const auto& s : r.at("sources").as_array()) {
    REQUIRE(s.is_object());
    REQUIRE(s.as_object().at("section").is_string());
  }
  REQUIRE(r.at("suggestions").is_array());
  REQUIRE(r.at("suggestions").as_array().size() <= 5);
  REQUIRE(r.at("version").is_string());
}

void require_error(const json::object& e, const std::string& code, const json::value& reply_to) {
  INFO(json::serialize(e));
  REQUIRE(str(e, "type") == "error");
  REQUIRE(str(e, "code") == code);
  REQUIRE(e.contains("reply_to"));
  REQUIRE(e.at("reply_to") == reply_to);
  REQUIRE(e.at("message").is_string());
}

// prefix followed by n ("m3").
std::string tag(const char* prefix, int n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

std::string message_frame(const std::string& text, const std::string& id) {
  json::object o;
  o["type"] = "message";
  o["id"] = id;
  o["text"] = text;
  return json::serialize(o);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("welcome comes first and carries a session id and version 1", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    REQUIRE(!str(c.welcome, "session").empty());
    REQUIRE(c.welcome.at("text").is_string());
    REQUIRE(c.welcome.at("suggestions").is_array());
    REQUIRE(str(c.welcome, "version") == "1");
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("message gets a reply of the documented shape echoing a string id", "[e2e]") {
  server_process server;
  {
    chat c(server.port());

    auto r = c.ask(R"({"type":"message","id":"c1","text":"What does a TPM do?"})");
    require_reply_shape(r);
    REQUIRE(str(r, "reply_to") == "c1");

    SECTION("no id or a non-string id gives reply_to null") {
      r = c.ask(R"({"type":"message","text":"TPM vs PM?"})");
      require_reply_shape(r);
      REQUIRE(r.at("reply_to").is_null());
      r = c.ask(R"({"type":"message","id":7,"text":"TPM vs PM?"})");
      require_reply_shape(r);
      REQUIRE(r.at("reply_to").is_null());
    }
    SECTION("unknown extra fields are ignored") {
      r = c.ask(R"({"type":"message","id":"x","text":"hello","extra":{"a":[1,2]}})");
      require_reply_shape(r);
      REQUIRE(str(r, "reply_to") == "x");
    }
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("ping gets pong and reset gets reset_ok, echoing ids", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    auto p = c.ask(R"({"type":"ping","id":"p1"})");
    REQUIRE(str(p, "type") == "pong");
    REQUIRE(str(p, "reply_to") == "p1");
    p = c.ask(R"({"type":"ping"})");
    REQUIRE(str(p, "type") == "pong");
    REQUIRE(p.at("reply_to").is_null());
    auto r = c.ask(R"({"type":"reset","id":"r1"})");
    REQUIRE(str(r, "type") == "reset_ok");
    REQUIRE(str(r, "reply_to") == "r1");
    r = c.ask(R"({"type":"reset","id":false})");
    REQUIRE(str(r, "type") == "reset_ok");
    REQUIRE(r.at("reply_to").is_null());
    c.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("every protocol error is answered and the connection stays open", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    const json::value null_id = nullptr;

    struct bad {
      const char* frame;
      const char* code;
      json::value reply_to;
    };
    const std::vector<bad> cases = {
        {"not json", "bad_json", nullptr},
        {R"({"type":"message","text":"unterminated)", "bad_json", nullptr},
        {"[1,2,3]", "bad_json", nullptr},
        {R"("message")", "bad_json", nullptr},
        {"42", "bad_json", nullptr},
        {"null", "bad_json", nullptr},
        {R"({"id":"a1","text":"hi"})", "bad_request", "a1"},
        {R"({"type":5,"id":"a2"})", "bad_request", "a2"},
        {R"({"type":null})", "bad_request", nullptr},
        {R"({"type":"dance","id":"a3"})", "unknown_type", "a3"},
        {R"({"type":"MESSAGE","id":"a4","text":"hi"})", "unknown_type", "a4"},
        {R"({"type":"message","id":"a5"})", "bad_request", "a5"},
        {R"({"type":"message","id":"a6","text":42})", "bad_request", "a6"},
        {R"({"type":"message","id":"a7","text":""})", "bad_request", "a7"},
        {R"({"type":"message","id":"a8","text":" \t\n\u00a0\u3000\u2003 "})", "bad_request", "a8"},
        {R"({"type":"message","id":["x"],"text":""})", "bad_request", nullptr},
    };
    for (const auto& b : cases) {
      INFO("frame: " << b.frame);
      require_error(c.ask(b.frame), b.code, b.reply_to);
    }
    c.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("text length counts code points after trimming, 1000 inclusive", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    // 1000 'a' padded with Unicode white space: accepted.
    auto r = c.ask(message_frame("\u3000 \n" + std::string(1000, 'a') + "\u00a0\t\u2028", "ok1"));
    REQUIRE(str(r, "type") == "reply");
    // 1000 two-byte and four-byte characters (more than 1000 bytes): accepted.
    r = c.ask(message_frame(repeat("\xC3\xA9", 1000), "ok2"));
    REQUIRE(str(r, "type") == "reply");
    r = c.ask(message_frame(repeat("\xF0\x9F\x98\x80", 1000), "ok3"));
    REQUIRE(str(r, "type") == "reply");
    // 1001 code points: too_long.
    require_error(c.ask(message_frame(std::string(1001, 'a'), "long1")), "too_long", "long1");
    require_error(c.ask(message_frame(repeat("\xF0\x9F\x98\x80", 1001), "long2")), "too_long", "long2");
    c.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("every message gets exactly one answer, in order", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    const int n = 25;
    for (int i = 0; i < n; ++i) {
      const std::string id = tag("m", i);
      // Mix replies, errors and pongs.
      const std::string frame = i % 5 == 3   ? "{\"type\":\"ping\",\"id\":\"" + id + "\"}"
                                : i % 5 == 4 ? "{\"type\":\"nope\",\"id\":\"" + id + "\"}"
                                             : message_frame("question " + std::to_string(i), id);
      REQUIRE(!c.ws.send_text(frame));
    }
    for (int i = 0; i < n; ++i) {
      const auto answer = c.ws.read_json();
      REQUIRE(str(answer, "reply_to") == tag("m", i));
    }
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("a binary message closes with 1003", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    c.require_alive();
    REQUIRE(!c.ws.send_binary("\x01\x02\x03"));
    REQUIRE(c.ws.read_until_close() == 1003);
    // The server goes on serving others.
    chat other(server.port());
    other.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("the message size limit is 16 KiB inclusive, fragments included", "[e2e]") {
  server_process server;
  {
    // A valid frame of exactly 16384 bytes (padded with JSON white space).
    std::string exact = R"({"type":"ping","id":"big"})";
    exact.insert(exact.size() - 1, std::string(16384 - exact.size(), ' '));
    REQUIRE(exact.size() == 16384);

    SECTION("exactly at the limit is accepted") {
      chat c(server.port());
      const auto p = c.ask(exact);
      REQUIRE(str(p, "type") == "pong");
      REQUIRE(str(p, "reply_to") == "big");
    }
    SECTION("one byte over closes with 1009") {
      chat c(server.port());
      REQUIRE(!c.ws.send_text(exact + " "));
      REQUIRE(c.ws.read_until_close() == 1009);
    }
    SECTION("a fragmented message within the limit is accepted") {
      chat c(server.port());
      REQUIRE(!c.ws.send_fragments({R"({"type":"mess)", R"(age","id":"f1",)", R"("text":"TPM vs PM?"})"}));
      const auto r = c.ws.read_json();
      REQUIRE(str(r, "type") == "reply");
      REQUIRE(str(r, "reply_to") == "f1");
      REQUIRE(!c.ws.send_fragments({exact.substr(0, 8000), exact.substr(8000, 8000), exact.substr(16000)}));
      REQUIRE(str(c.ws.read_json(), "type") == "pong");
    }
    SECTION("fragments whose total exceeds the limit close with 1009") {
      chat c(server.port());
      const std::string part(6000, ' ');
      const auto sent = c.ws.send_fragments({"{" + part, part, part + "}"});
      const auto code = c.ws.read_until_close();
      INFO("send: " << sent.message() << ", read: " << c.ws.last_error().message());
      REQUIRE(code == 1009);
    }
    chat after(server.port());
    after.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("invalid UTF-8 closes with 1007", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    REQUIRE(!c.ws.send_text("{\"type\":\"message\",\"text\":\"\xC3\x28\xFF\"}"));
    REQUIRE(c.ws.read_until_close() == 1007);
    chat after(server.port());
    after.require_alive();
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("a flood gets rate_limited errors, one answer per message, and the connection survives", "[e2e]") {
  server_process server;
  {
    chat c(server.port());
    const int n = 120;
    for (int i = 0; i < n; ++i) REQUIRE(!c.ws.send_text(message_frame("hi", tag("f", i))));
    int replies = 0, limited = 0, first_limited = -1;
    for (int i = 0; i < n; ++i) {
      const auto a = c.ws.read_json();
      REQUIRE(str(a, "reply_to") == tag("f", i));
      if (str(a, "type") == "reply") {
        ++replies;
      } else {
        require_error(a, "rate_limited", json::value(tag("f", i)));
        if (first_limited < 0) first_limited = i;
        ++limited;
      }
    }
    // The documented default burst (--msg-burst 30): a fresh connection's
    // first 30 messages are all answered, however slowly they arrive.
    REQUIRE(first_limited >= 30);
    REQUIRE(replies >= 30);
    CHECK(limited > 0);
    REQUIRE(replies + limited == n);
    // Pings are not rate limited: the connection is open and answering.
    const auto p = c.ask(R"({"type":"ping","id":"after"})");
    REQUIRE(str(p, "type") == "pong");
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("sustained abuse closes with 1008", "[e2e]") {
  // Allowance 10/s; abuse = 2x that for 500 ms.
  server_process server({"--msg-rate", "10", "--msg-burst", "10", "--abuse-factor", "2", "--abuse-window", "500ms"});
  {
    chat c(server.port());
    auto& ws = c.ws.stream();
    const std::string frame = message_frame("hi", "x");
    // Write and read concurrently until the server closes.
    bool closed = false;
    std::function<void()> write_next = [&] {
      ws.async_write(net::buffer(frame), [&](error_code ec, std::size_t) {
        if (!ec && !closed) write_next();
      });
    };
    beast::flat_buffer buffer;
    error_code read_error;
    std::function<void()> read_next = [&] {
      ws.async_read(buffer, [&](error_code ec, std::size_t) {
        buffer.clear();
        if (ec) {
          read_error = ec;
          closed = true;
          return;
        }
        read_next();
      });
    };
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
    write_next();
    read_next();
    c.ws.ioc().restart();
    c.ws.ioc().run();
    REQUIRE(read_error == websocket::error::closed);
    REQUIRE(ws.reason().code == 1008);
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("a session resumes with ?session= and unknown ids start a new one", "[e2e]") {
  server_process server;
  std::string id, tpm_intent;
  {
    chat first(server.port());
    id = str(first.welcome, "session");
    const auto r = first.ask(message_frame("What skills does a TPM need?", "q1"));
    REQUIRE(str(r, "type") == "reply");
    tpm_intent = str(r, "intent");
    REQUIRE(tpm_intent == "skills");
    REQUIRE(r.at("roles") == json::array{"tpm"});
    first.ws.close();
  }
  {
    // The resumed session carries the context: "what about PMs?" is the
    // same question about the other role.
    chat again(server.port(), "/ws?session=" + id);
    REQUIRE(str(again.welcome, "session") == id);
    const auto r = again.ask(message_frame("what about PMs?", "q2"));
    INFO(json::serialize(r));
    REQUIRE(str(r, "type") == "reply");
    REQUIRE(str(r, "intent") == tpm_intent);
    REQUIRE(r.at("roles") == json::array{"pm"});
  }
  {
    chat fresh(server.port(), "/ws?session=no-such-session");
    const auto other = str(fresh.welcome, "session");
    REQUIRE(!other.empty());
    REQUIRE(other != "no-such-session");
    REQUIRE(other != id);
    // Without the context the same words are not that question.
    const auto r = fresh.ask(message_frame("what about PMs?", "q3"));
    INFO(json::serialize(r));
    REQUIRE(str(r, "intent") != tpm_intent);
  }
  // A session started over WebSocket continues over the HTTP API.
  http::request<http::string_body> req(http::verb::post, "/api/v1/chat", 11);
  req.set(http::field::content_type, "application/json");
  req.body() = "{\"text\":\"TPM vs PM?\",\"session\":\"" + id + "\"}";
  const auto res = http_send(server.port(), req);
  REQUIRE(!res.ec);
  REQUIRE(str(json_body(res.response), "session") == id);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("session ids are unique per new conversation", "[e2e]") {
  server_process server;
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    chat c(server.port());
    ids.insert(str(c.welcome, "session"));
  }
  REQUIRE(ids.size() == 5);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("the Origin allow-list refuses other origins with 403", "[e2e]") {
  server_process server({"--allowed-origins", "https://good.example,http://localhost:3000"});
  {
    ws_client ws;
    REQUIRE(ws.connect(server.port(), "/ws", "https://evil.example"));
    REQUIRE(ws.response().result_int() == 403);
  }
  {
    chat ok(server.port());  // no Origin (not a browser): allowed
  }
  {
    ws_client ws;
    REQUIRE(!ws.connect(server.port(), "/ws", "https://good.example"));
    REQUIRE(str(ws.read_json(), "type") == "welcome");
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("past the connection limit HTTP and upgrades get 503", "[e2e]") {
  server_process server({"--max-connections", "2"});
  {
    auto a = std::make_unique<chat>(server.port());
    chat b(server.port());
    {
      ws_client ws;
      REQUIRE(ws.connect(server.port()));
      REQUIRE(ws.response().result_int() == 503);
    }
    const auto res = http_get(server.port(), "/healthz");
    REQUIRE(!res.ec);
    REQUIRE(res.response.result_int() == 503);
    REQUIRE(error_code_of(json_body(res.response)) == "too_many_connections");
    b.require_alive();
    // Once a connection ends, new ones are served again.
    a->ws.close();
    a.reset();
    // (The server sees the close a moment later: retry, bounded by a
    // generous deadline rather than a number of attempts.)
    bool served = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!served && std::chrono::steady_clock::now() < deadline) {
      const auto again = http_get(server.port(), "/healthz");
      served = !again.ec && again.response.result_int() == 200;
      if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(served);
  }
  REQUIRE(server.stop() == 0);
}

TEST_CASE("SIGTERM answers in-flight messages, closes WebSockets with 1001 and exits 0", "[e2e]") {
  server_process server;
  chat a(server.port());
  chat b(server.port());
  a.require_alive();
  for (int i = 0; i < 5; ++i) REQUIRE(!a.ws.send_text(message_frame("TPM vs PM?", tag("late", i))));
  // The first answer proves the messages reached the server before the signal.
  REQUIRE(str(a.ws.read_json(), "reply_to") == "late0");
  ::kill(server.pid(), SIGTERM);
  for (int i = 1; i < 5; ++i) REQUIRE(str(a.ws.read_json(), "reply_to") == tag("late", i));
  REQUIRE(a.ws.read_until_close() == 1001);
  REQUIRE(b.ws.read_until_close() == 1001);
  REQUIRE(server.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("idle connections are pinged: a live peer stays, a dead one is closed", "[e2e]") {
  server_process server({"--idle-timeout", "2s"});
  // A live peer: while it waits in a read, its WebSocket layer answers the
  // server's pings, so the connection outlives the idle timeout.
  chat live(server.port());
  const auto nothing = live.ws.read(std::chrono::milliseconds(3500));
  REQUIRE(nothing.ec == beast::error::timeout);  // no frame: pings are not messages
  // (the test client's own read timeout closes its socket; reconnect to
  // show the server still serves after the idle period)
  chat again(server.port());
  again.require_alive();

  // A dead peer: a raw TCP connection that completed the upgrade but never
  // reads nor answers pings is closed by the server after the idle timeout.
  net::io_context ioc;
  tcp::socket raw(ioc);
  raw.connect({net::ip::make_address("127.0.0.1"), server.port()});
  const std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  net::write(raw, net::buffer(upgrade));
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  // Everything the server sent (101, welcome, ping, maybe a close) is
  // buffered; after it comes the end of the stream.
  // Bounded: a server that never closes fails the check instead of hanging
  // (plain recv(2): asio's blocking reads ignore SO_RCVTIMEO).
  timeval limit{3, 0};
  ::setsockopt(raw.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::string received;
  std::array<char, 4096> buf{};
  ssize_t n = 0;
  while ((n = ::recv(raw.native_handle(), buf.data(), buf.size(), 0)) > 0) received.append(buf.data(), static_cast<std::size_t>(n));
  const bool closed = n == 0 || (n < 0 && errno == ECONNRESET);
  INFO("recv ended with " << n << " after " << received.size() << " bytes");
  CHECK(received.starts_with("HTTP/1.1 101"));
  CHECK(closed);
}

TEST_CASE("permessage-deflate is negotiated only with --permessage-deflate, and replies arrive intact through it",
          "[e2e]") {
  for (const bool offered : {false, true}) {
    INFO("--permessage-deflate " << (offered ? "on" : "off"));
    server_process server(offered ? std::vector<std::string>{"--permessage-deflate"} : std::vector<std::string>{});
    ws_client ws;
    websocket::permessage_deflate pmd;
    pmd.client_enable = true;  // the client always asks for compression
    ws.stream().set_option(pmd);
    const auto ec = ws.connect(server.port());
    INFO("connect: " << ec.message());
    REQUIRE(!ec);
    const std::string extensions(ws.response()[http::field::sec_websocket_extensions]);
    if (offered) {
      REQUIRE(extensions.find("permessage-deflate") != std::string::npos);
    } else {
      REQUIRE(extensions.empty());
    }
    REQUIRE(str(ws.read_json(), "type") == "welcome");
    // A long, compressible question (repeated words) and its reply.
    std::string text = "What does a TPM do?";
    for (int i = 0; i < 40; ++i) text += " please please";
    REQUIRE(!ws.send_text(R"({"type":"message","id":"z1","text":")" + text + R"("})"));
    const auto r = ws.read_json();
    INFO("read: " << ws.last_error().message());
    REQUIRE(str(r, "type") == "reply");
    REQUIRE(str(r, "reply_to") == "z1");
    REQUIRE(str(r, "intent") == "role_definition");
    ws.close();
    REQUIRE(server.stop() == 0);
  }
}
