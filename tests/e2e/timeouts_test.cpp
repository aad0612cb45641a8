// The server's timeouts against the real binary, each set small by its
// flag: --http-timeout bounds reading a request (a WebSocket upgrade is one),
// --handshake-timeout the WebSocket closing handshake, --shutdown-timeout
// the drain after SIGTERM. The waits below are bounds for a hang.
#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/e2e/clients.hpp"
#include "tests/e2e/raw_peer.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;

TEST_CASE("a connection that sends nothing, or half an upgrade request, is closed after --http-timeout", "[e2e]") {
  server_process server({"--http-timeout", "1s"});
  raw_peer silent(server.port());
  raw_peer half(server.port());
  REQUIRE(half.send_all("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upg"));
  raw_peer slow_headers(server.port());  // a plain request whose headers stall
  REQUIRE(slow_headers.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));

  INFO("a connection still open 10 s later outlived --http-timeout 1s");
  REQUIRE(silent.wait_closed(std::chrono::seconds(10)));
  REQUIRE(half.wait_closed(std::chrono::seconds(10)));
  REQUIRE(slow_headers.wait_closed(std::chrono::seconds(10)));
  // Nothing was answered: there was no complete request.
  CHECK(half.received().empty());
  CHECK(slow_headers.received().empty());

  // The server goes on serving.
  raw_peer ok(server.port());
  REQUIRE(ok.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  REQUIRE(ok.wait_closed(std::chrono::seconds(10)));
  REQUIRE(ok.received().starts_with("HTTP/1.1 200"));
}

TEST_CASE("a WebSocket peer that never answers the server's close frame is dropped after --handshake-timeout",
          "[e2e]") {
  server_process server({"--handshake-timeout", "1s"});
  raw_peer peer(server.port());
  REQUIRE(peer.upgrade().starts_with("HTTP/1.1 101"));
  const auto welcome = peer.take_frame();
  REQUIRE(welcome.has_value());
  REQUIRE(welcome->opcode == 1);
  // A binary message makes the server close with 1003; the peer keeps
  // reading but never sends its close frame back.
  REQUIRE(peer.send_all(client_frame(2, "x")));
  const auto close = peer.take_frame();
  REQUIRE(close.has_value());
  REQUIRE(close->opcode == 8);
  REQUIRE(close->payload.size() >= 2);
  REQUIRE(((static_cast<unsigned char>(close->payload[0]) << 8) | static_cast<unsigned char>(close->payload[1])) ==
          1003);
  INFO("still open 10 s after the close frame: --handshake-timeout 1s was not applied");
  REQUIRE(peer.wait_closed(std::chrono::seconds(10)));
}

TEST_CASE("SIGTERM with connections that stay open exits 0 once --shutdown-timeout has passed", "[e2e]") {
  // The defaults keep both peers open far longer than the drain: the
  // half-read request for 30 s (--http-timeout), the WebSocket that never
  // answers the 1001 close frame for 10 s (--handshake-timeout).
  server_process server({"--shutdown-timeout", "1s"});
  raw_peer ws(server.port());
  REQUIRE(ws.upgrade().starts_with("HTTP/1.1 101"));
  REQUIRE(ws.take_frame().has_value());  // the welcome: the session is open
  raw_peer stalled(server.port());
  REQUIRE(stalled.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  // Both accepted (with the /metrics request itself: 3) before the signal.
  const auto accepted_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool accepted = false;
  while (!accepted && std::chrono::steady_clock::now() < accepted_by) {
    accepted = http_get(server.port(), "/metrics").response.body().find("\nadvisor_connections_current 3\n") !=
               std::string::npos;
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(accepted);

  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  const auto close = ws.take_frame();
  REQUIRE(close.has_value());
  REQUIRE(close->opcode == 8);  // 1001, which the peer never answers
  // The bound: the 1 s drain plus start-up slack for a slow (sanitized) build.
  const int status = server.wait(std::chrono::seconds(6));
  INFO("exit status (-1: still running 6 s after SIGTERM, or killed); log:\n" << server.output());
  REQUIRE(status == 0);
  REQUIRE(server.output().find("\"shutdown_timeout\"") != std::string::npos);
  REQUIRE(ws.wait_closed(std::chrono::seconds(5)));
  REQUIRE(stalled.wait_closed(std::chrono::seconds(5)));
}
