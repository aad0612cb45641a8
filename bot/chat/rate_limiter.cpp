#include "bot/chat/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace advisor::server {

token_bucket::token_bucket(double rate_per_second, double burst, clock::time_point now)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_(now) {}

bool token_bucket::try_take(clock::time_point now) {
  if (rate_ <= 0) return true;
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

abuse_detector::abuse_detector(double threshold_per_second, std::chrono::nanoseconds window, clock::time_point now)
    : slot_length_(std::max(std::chrono::nanoseconds(1), window / slots)), slot_start_(now) {
  if (threshold_per_second <= 0) {
    per_slot_ = 0;
    return;
  }
  const double per_slot = threshold_per_second * std::chrono::duration<double>(slot_length_).count();
  per_slot_ = static_cast<std::uint32_t>(std::clamp(std::ceil(per_slot), 1.0, 4e9));
}

bool abuse_detector::record(clock::time_point now) {
  if (per_slot_ == 0) return false;
  if (now - slot_start_ >= slot_length_) {
    const auto elapsed = (now - slot_start_) / slot_length_;
    full_slots_ = (elapsed == 1 && count_ >= per_slot_) ? full_slots_ + 1 : 0;
    slot_start_ += elapsed * slot_length_;
    count_ = 0;
  }
  ++count_;
  return count_ >= per_slot_ && full_slots_ + 1 >= slots;
}

}  // namespace advisor::server
