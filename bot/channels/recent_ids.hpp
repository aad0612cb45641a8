#pragma once
// recent_ids remembers the last `capacity` ids seen (Slack event_id, Teams
// activity id) with an optional value each, to drop or answer identically a
// platform's retries and replays. The oldest id is forgotten first.
//
// Thread safety: all members may be called concurrently (one mutex).

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace advisor::channels {

class recent_ids {
 public:
  explicit recent_ids(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Records id; false when it was already recorded (a duplicate).
  bool insert(std::string_view id, std::string value = {});
  // The value recorded with id, or nullopt when id is not recorded.
  std::optional<std::string> find(std::string_view id) const;
  std::size_t size() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::string> order_;  // oldest first
  std::unordered_map<std::string, std::string> values_;
};

}  // namespace advisor::channels
