#include "bot/sessions/redis_session_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>

using advisor::server::redis_session_store;

TEST_CASE("redis_session_store::parse_url accepts redis://host[:port][/db] only", "[server][redis]") {
  std::string error;
  auto o = redis_session_store::parse_url("redis://127.0.0.1:6390/2", error);
  REQUIRE(o);
  REQUIRE(o->host == "127.0.0.1");
  REQUIRE(o->port == 6390);
  REQUIRE(o->db == 2);
  o = redis_session_store::parse_url("redis://cache", error);
  REQUIRE(o);
  REQUIRE(o->host == "cache");
  REQUIRE(o->port == 6379);
  REQUIRE(o->db == 0);
  for (const char* bad : {"memory", "http://x:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
                          "redis://h:12x", "redis://h:1/x", "redis://h:1/-1"}) {
    INFO(bad);
    error.clear();
    REQUIRE(!redis_session_store::parse_url(bad, error));
    REQUIRE(!error.empty());
  }
}

TEST_CASE("redis_session_store: Redis down gives fresh context fast and counts errors", "[server][redis]") {
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  REQUIRE(devnull >= 0);
  advisor::server::logger log(advisor::server::log_level::error, false, devnull);
  advisor::server::metrics_registry registry;
  // A "Redis" that accepts connections (the kernel completes them) and never
  // answers: each connection attempt costs the store its io_timeout, and
  // shows up in this socket's backlog, where the test counts it. The port is
  // this socket's own (bound to port 0), so no other process can take it.
  const int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(silent >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(silent, 128) == 0);
  REQUIRE(::getsockname(silent, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  std::string error;
  auto o = redis_session_store::parse_url("redis://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), error);
  REQUIRE(o);
  std::size_t attempts = 0;
  double seconds = 0;
  {
    redis_session_store store(*o, log);
    store.register_metrics(registry);

    advisor::conversation conv;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) REQUIRE(!store.load("nosuchsessionid0123456"));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto text = registry.render();
    REQUIRE(text.find("advisor_session_store_up 0") != std::string::npos);
    REQUIRE(text.find("advisor_session_store_errors_total 50") != std::string::npos);
    store.save("abcdefghijklmnopqrstuv", conv);  // dropped behind the caller's back, never thrown
    // The connections the store opened for its loads so far.
    ::fcntl(silent, F_SETFL, O_NONBLOCK);
    while (true) {
      const int c = ::accept4(silent, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0) break;
      ++attempts;
      ::close(c);
    }
  }
  ::close(silent);
  // A failed attempt is not retried for reconnect_interval (1 s): one
  // connection per started second at most (the background writer has its own
  // connection, so one more), never one per load.
  INFO(attempts << " connections in " << seconds << " s for 50 loads");
  REQUIRE(attempts >= 1);
  REQUIRE(attempts <= 2 + 2 * static_cast<std::size_t>(seconds + 1));
  REQUIRE(attempts < 50);
}
