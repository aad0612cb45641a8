#pragma once
// Per-connection flow control for WebSocket frames.
//
// A token_bucket allows a burst of `burst` messages and `rate` messages per
// second sustained; a message that finds the bucket empty is refused (the
// protocol's rate_limited error).
//
// An abuse_detector recognises a connection that keeps sending far above
// its allowance: it splits `window` into 10 slots and reports abuse once
// every slot of a whole window held at least `threshold` frames per second
// (the server then closes with 1008). A short flood, however fast, is not
// abuse; ten seconds of it is.
//
// Thread safety: none; each connection owns its own, used on its strand.
// Times are passed in, so tests need no clock.

#include <chrono>
#include <cstdint>

namespace advisor::server {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  // rate 0 disables the limit (try_take() always succeeds). The bucket
  // starts full.
  token_bucket(double rate_per_second, double burst, clock::time_point now);

  // Takes one token when one is available.
  bool try_take(clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

class abuse_detector {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr int slots = 10;

  // threshold_per_second 0 disables detection (record() never reports).
  abuse_detector(double threshold_per_second, std::chrono::nanoseconds window, clock::time_point now);

  // Records one frame at `now` (non-decreasing); true when the connection is
  // abusive.
  bool record(clock::time_point now);

 private:
  std::chrono::nanoseconds slot_length_;
  std::uint32_t per_slot_;  // frames that make a slot abusive; 0 = disabled
  std::uint32_t count_ = 0;
  int full_slots_ = 0;  // consecutive abusive slots before the current one
  clock::time_point slot_start_;
};

}  // namespace advisor::server
