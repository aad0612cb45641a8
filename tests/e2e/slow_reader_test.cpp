// A WebSocket peer that sends but never reads, against the real server:
// the outbound queue limit (--max-queue) and its documented back-pressure
// (websocket_session.hpp: when the queue is full the server stops reading
// that peer, so TCP flow control slows the sender).
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <thread>

#include "tests/e2e/clients.hpp"
#include "tests/e2e/raw_peer.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;

namespace {

// The process's resident set (VmRSS) in KiB; -1 when unreadable.
long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// True when the process runs with AddressSanitizer (deploy/setup.sh runs
// this suite against the ASan+UBSan binaries too).
bool sanitized(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(in, line);)
    if (line.find("libasan") != std::string::npos) return true;
  return false;
}

double metric(unsigned short port, const std::string& name) {
  const auto body = http_get(port, "/metrics").response.body();
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

std::string message(int n) {
  // The id pads each frame to about 300 bytes, so few frames fill the
  // socket buffers.
  return R"({"type":"message","id":"s)" + std::to_string(n) + "-" + std::string(240, 'x') + R"(","text":"TPM vs PM?"})";
}

std::string id_of(int n) { return "s" + std::to_string(n) + "-" + std::string(240, 'x'); }

// How far filling a peer's way in got.
struct fill_result {
  int started = 0;       // frames begun (the last one may be partly sent)
  std::string unsent;    // the rest of the last frame
  bool stalled = false;  // the socket stayed unwritable for a second
};

// Sends message frames on peer without reading, until its socket stays
// unwritable for a second (the server has stopped reading it) or `limit`
// frames went out.
fill_result fill(raw_peer& peer, int limit) {
  fill_result r;
  while (!r.stalled && (r.started < limit || !r.unsent.empty())) {
    if (r.unsent.empty()) r.unsent = client_frame(1, message(r.started++));
    const ssize_t n = ::send(peer.fd(), r.unsent.data(), r.unsent.size(), MSG_NOSIGNAL);
    if (n > 0) {
      r.unsent.erase(0, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{peer.fd(), POLLOUT, 0};
      r.stalled = ::poll(&p, 1, 1000) == 0;
    } else {
      FAIL("send: " << std::strerror(errno));
    }
  }
  return r;
}

}  // namespace

TEST_CASE("peers that send without reading are no longer read at --max-queue, others are answered, and they catch up",
          "[e2e]") {
  // Far more than the socket buffers hold: a server that kept reading would
  // accept them all (and queue every reply in memory). The kernel grows the
  // server's receive buffer while the server reads (up to tcp_rmem's
  // maximum: 32 MiB on the CI machines, 6 MiB by Linux's default): 4,000
  // frames (1.2 MB) once fitted under load and the sender never stalled.
  // 150,000 frames (45 MB) are more than any of those buffers hold.
  constexpr int max_messages = 150000;
  server_process server({"--max-queue", "4", "--msg-rate", "0"});
  // Small buffers on the slow peers' side, so their kernel holds little.
  // One reads again later, the other goes away.
  raw_peer slow(server.port(), 4096, 8192);
  raw_peer quitter(server.port(), 4096, 8192);
  REQUIRE(slow.upgrade().starts_with("HTTP/1.1 101"));
  REQUIRE(quitter.upgrade().starts_with("HTTP/1.1 101"));
  const long rss_before = rss_kib(server.pid());

  auto s = fill(slow, max_messages);
  const double read_slow = metric(server.port(), "advisor_messages_total");
  INFO(s.started << " messages begun; the server has read " << read_slow);
  REQUIRE(s.stalled);  // else the server read everything: no back-pressure
  REQUIRE(read_slow >= 1);
  REQUIRE(read_slow < s.started - 100);  // the rest waits, unread, in the socket buffers
  const auto q = fill(quitter, max_messages);
  const double read_quitter = metric(server.port(), "advisor_messages_total") - read_slow;
  INFO(q.started << " messages begun by the second peer; the server has read " << read_quitter);
  REQUIRE(q.stalled);
  REQUIRE(read_quitter < q.started - 100);

  // Their replies are not piling up in the server's memory. (Not checked
  // under AddressSanitizer: its quarantine keeps freed memory resident.)
  const long rss_stalled = rss_kib(server.pid());
  INFO("server RSS " << rss_before << " KiB before, " << rss_stalled << " KiB while stalled");
  if (!sanitized(server.pid())) REQUIRE(rss_stalled - rss_before < 8 * 1024);

  // Another client is answered meanwhile (bounded by the client's 5 s).
  {
    ws_client other;
    REQUIRE(!other.connect(server.port()));
    REQUIRE(str(other.read_json(), "type") == "welcome");
    REQUIRE(!other.send_text(R"({"type":"message","id":"o1","text":"What does a TPM do?"})"));
    const auto r = other.read_json();
    INFO("read: " << other.last_error().message());
    REQUIRE(str(r, "reply_to") == "o1");
    REQUIRE(str(r, "intent") == "role_definition");
    other.close();
  }

  // The second peer goes away without reading: its connection ends on the
  // server too (left open: the slow peer and the /metrics request itself).
  quitter.close();
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  double open = -1;
  while ((open = metric(server.port(), "advisor_connections_current")) != 2 &&
         std::chrono::steady_clock::now() < gone_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(open == 2);

  // The slow peer reads again: the server resumes, and every message begun
  // gets exactly one reply, in order, after the welcome.
  int replies = 0;
  bool welcomed = false;
  std::string mismatch;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (replies < s.started && mismatch.empty() && !slow.closed() && std::chrono::steady_clock::now() < deadline) {
    if (!s.unsent.empty()) {
      const ssize_t n = ::send(slow.fd(), s.unsent.data(), s.unsent.size(), MSG_NOSIGNAL);
      if (n > 0) s.unsent.erase(0, static_cast<std::size_t>(n));
    }
    slow.read_some(std::chrono::milliseconds(100));
    while (auto f = take_server_frame(slow.received())) {
      if (f->opcode != 1) continue;  // (a ping)
      boost::system::error_code ec;
      const auto v = json::parse(f->payload, ec);
      const auto o = !ec && v.is_object() ? v.as_object() : json::object{};
      if (!welcomed) {
        welcomed = str(o, "type") == "welcome";
        if (!welcomed) mismatch = "first frame: " + f->payload.substr(0, 200);
      } else if (str(o, "type") != "reply" || str(o, "reply_to") != id_of(replies)) {
        mismatch = "answer " + std::to_string(replies) + ": " + f->payload.substr(0, 200);
      } else {
        ++replies;
      }
    }
  }
  INFO(mismatch);
  REQUIRE(mismatch.empty());
  REQUIRE(welcomed);
  REQUIRE(replies == s.started);
  // Every message read was answered once: the slow peer's, what was read of
  // the second peer's, and the other client's.
  REQUIRE(metric(server.port(), "advisor_messages_total") == s.started + read_quitter + 1);

  // A normal close completes both ways.
  REQUIRE(slow.send_all(client_frame(8, std::string("\x03\xe8", 2))));
  const auto close = slow.take_frame();
  REQUIRE(close.has_value());
  REQUIRE(close->opcode == 8);
  REQUIRE(slow.wait_closed(std::chrono::seconds(10)));
  slow.close();  // else the server's side waits for the end of the stream
  REQUIRE(server.stop() == 0);
}
