#include "bot/chat/rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace advisor::server;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("token_bucket allows the burst, then the sustained rate", "[server]") {
  const auto t0 = clock_type::time_point{} + 1h;
  token_bucket b(10, 20, t0);
  for (int i = 0; i < 20; ++i) REQUIRE(b.try_take(t0));
  CHECK_FALSE(b.try_take(t0));
  CHECK_FALSE(b.try_take(t0 + 50ms));  // half a token
  CHECK(b.try_take(t0 + 100ms));
  CHECK_FALSE(b.try_take(t0 + 100ms));
  // 10 per second sustained.
  int taken = 0;
  for (int ms = 200; ms <= 1150; ms += 10) taken += b.try_take(t0 + std::chrono::milliseconds(ms)) ? 1 : 0;
  CHECK(taken == 10);
  // Refill stops at the burst.
  for (int i = 0; i < 20; ++i) REQUIRE(b.try_take(t0 + 1h));
  CHECK_FALSE(b.try_take(t0 + 1h));
}

TEST_CASE("token_bucket with rate 0 never limits", "[server]") {
  const auto t0 = clock_type::time_point{};
  token_bucket b(0, 1, t0);
  for (int i = 0; i < 1000; ++i) REQUIRE(b.try_take(t0));
}

TEST_CASE("abuse_detector ignores short floods and catches sustained ones", "[server]") {
  const auto t0 = clock_type::time_point{} + 1h;
  // Threshold 100 frames/s over 10 s: slots of 1 s need 100 frames each.
  SECTION("10000 frames in one instant are not abuse") {
    abuse_detector d(100, 10s, t0);
    for (int i = 0; i < 10000; ++i) REQUIRE_FALSE(d.record(t0));
  }
  SECTION("200 frames/s for 10 s is abuse, reported in the tenth second") {
    abuse_detector d(100, 10s, t0);
    bool abusive = false;
    auto t = t0;
    for (int i = 0; i < 2000 && !abusive; ++i) {
      abusive = d.record(t);
      t += 5ms;
    }
    CHECK(abusive);
    CHECK(t - t0 >= 9s);
    CHECK(t - t0 <= 10s);
  }
  SECTION("just below the threshold, or with a quiet second, is not abuse") {
    abuse_detector d(100, 10s, t0);
    for (int i = 0; i < 99 * 30; ++i) REQUIRE_FALSE(d.record(t0 + std::chrono::microseconds(i * 10200)));
    abuse_detector gap(100, 10s, t0);
    for (int s = 0; s < 20; ++s) {
      if (s == 6) continue;  // one quiet slot resets the count
      for (int i = 0; i < 150; ++i) {
        const bool abusive = gap.record(t0 + std::chrono::seconds(s) + std::chrono::milliseconds(i * 6));
        if (s < 16) REQUIRE_FALSE(abusive);
      }
    }
  }
  SECTION("threshold 0 disables detection") {
    abuse_detector d(0, 10s, t0);
    for (int i = 0; i < 100000; ++i) REQUIRE_FALSE(d.record(t0 + std::chrono::microseconds(i * 100)));
  }
}
