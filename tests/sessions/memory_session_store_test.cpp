#include "bot/sessions/memory_session_store.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

using namespace advisor;
using namespace advisor::server;
using namespace std::chrono_literals;

namespace {

struct fake_clock {
  memory_session_store::clock::time_point now = memory_session_store::clock::time_point{} + 1h;
  std::function<memory_session_store::clock::time_point()> fn() {
    return [this] { return now; };
  }
};

// prefix followed by n ("m3").
std::string tag(const char* prefix, int n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

conversation with_turns(int n) {
  conversation c;
  for (int i = 0; i < n; ++i) c.record_meta();
  return c;
}

}  // namespace

TEST_CASE("memory_session_store saves and loads conversations by id", "[server]") {
  fake_clock clock;
  memory_session_store store(30min, 10, clock.fn());
  CHECK_FALSE(store.load("a").has_value());
  store.save("a", with_turns(1));
  store.save("b", with_turns(2));
  REQUIRE(store.load("a").has_value());
  CHECK(store.load("a")->turns() == 1);
  CHECK(store.load("b")->turns() == 2);
  store.save("a", with_turns(5));
  CHECK(store.load("a")->turns() == 5);
  CHECK(store.size() == 2);
}

TEST_CASE("memory_session_store forgets conversations idle longer than the idle time", "[server]") {
  fake_clock clock;
  memory_session_store store(30min, 10, clock.fn());
  store.save("a", with_turns(1));
  store.save("b", with_turns(1));
  clock.now += 20min;
  CHECK(store.load("a").has_value());  // use restarts a's idle clock
  clock.now += 20min;
  CHECK(store.load("a").has_value());
  CHECK_FALSE(store.load("b").has_value());  // 40 minutes idle
  clock.now += 31min;
  CHECK_FALSE(store.load("a").has_value());
  CHECK(store.size() == 0);
}

TEST_CASE("memory_session_store sweep drops expired entries", "[server]") {
  fake_clock clock;
  memory_session_store store(10min, 100, clock.fn());
  for (int i = 0; i < 5; ++i) store.save(tag("old", i), {});
  clock.now += 8min;
  store.save("new", {});
  clock.now += 3min;
  CHECK(store.sweep() == 5);
  CHECK(store.size() == 1);
  CHECK(store.load("new").has_value());
}

TEST_CASE("memory_session_store evicts the least recently used when full", "[server]") {
  fake_clock clock;
  memory_session_store store(30min, 3, clock.fn());
  store.save("a", {});
  clock.now += 1s;
  store.save("b", {});
  clock.now += 1s;
  store.save("c", {});
  clock.now += 1s;
  CHECK(store.load("a").has_value());  // a is now the most recently used
  store.save("d", {});                 // evicts b
  CHECK(store.size() == 3);
  CHECK_FALSE(store.load("b").has_value());
  CHECK(store.load("a").has_value());
  CHECK(store.load("c").has_value());
  CHECK(store.load("d").has_value());
}

TEST_CASE("memory_session_store with a large cap is sharded: ids spread over shards, the cap still holds", "[server]") {
  fake_clock clock;
  const std::size_t cap = memory_session_store::min_sharded_sessions;
  memory_session_store store(30min, cap, clock.fn());
  // Twice the cap: every shard fills and evicts its own least recently
  // used; the total stays within the cap (each shard holds cap / shards).
  for (std::size_t i = 0; i < 2 * cap; ++i) {
    store.save(tag("s", static_cast<int>(i)), {});
    clock.now += 1ms;
  }
  CHECK(store.size() <= cap);
  CHECK(store.size() >= cap - memory_session_store::shard_count);
  // The most recent ids are all kept; the oldest are all gone.
  for (std::size_t i = 2 * cap - 64; i < 2 * cap; ++i) CHECK(store.load(tag("s", static_cast<int>(i))).has_value());
  for (std::size_t i = 0; i < 64; ++i) CHECK_FALSE(store.load(tag("s", static_cast<int>(i))).has_value());
  // Concurrent savers and loaders on different ids (run under the
  // sanitizers in CI): nothing lost among the ids saved last.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        store.save(id, {});
        (void)store.load(id);
      }
    });
  for (auto& th : threads) th.join();
  CHECK(store.load("t3-199").has_value());
  CHECK(store.size() <= cap);
}
