#include "bot/sessions/redis_session_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/deploy/nginx_process.hpp"  // free_loopback_port

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
  std::string error;
  auto o =
      redis_session_store::parse_url("redis://127.0.0.1:" + std::to_string(advisor::test::free_loopback_port()), error);
  REQUIRE(o);
  redis_session_store store(*o, log);
  store.register_metrics(registry);

  advisor::conversation conv;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) REQUIRE(!store.load("nosuchsessionid0123456"));
  // Refused at once, then not retried for a second: no load waits.
  REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
  const auto text = registry.render();
  REQUIRE(text.find("advisor_session_store_up 0") != std::string::npos);
  REQUIRE(text.find("advisor_session_store_errors_total 50") != std::string::npos);
  store.save("abcdefghijklmnopqrstuv", conv);  // dropped behind the caller's back, never thrown
}
