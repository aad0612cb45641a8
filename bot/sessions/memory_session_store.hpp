#pragma once
// A memory_session_store is a session_store held in this process: a hash
// map plus a least-recently-used list, bounded by max_sessions (saving a new
// id when full evicts the least recently used entry) and by idle time
// (expired entries are dropped on access and by sweep()). About 200 bytes
// per entry.
//
// Thread safety: all members may be called concurrently (one mutex).

#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bot/sessions/session_store.hpp"

namespace advisor::server {

class memory_session_store final : public session_store {
 public:
  using clock = std::chrono::steady_clock;

  // now is the clock (injectable for tests).
  memory_session_store(std::chrono::nanoseconds idle, std::size_t max_sessions,
                       std::function<clock::time_point()> now = &clock::now);

  std::optional<conversation> load(std::string_view id) override;
  void save(std::string_view id, const conversation& conv) override;
  std::size_t size() const override;
  std::size_t sweep() override;

 private:
  struct entry {
    std::string id;
    conversation conv;
    clock::time_point last_used;
  };
  using entry_list = std::list<entry>;  // most recently used first

  const std::chrono::nanoseconds idle_;
  const std::size_t max_sessions_;
  const std::function<clock::time_point()> now_;
  mutable std::mutex mu_;
  entry_list lru_;
  std::unordered_map<std::string_view, entry_list::iterator> index_;  // keys view entry::id
};

}  // namespace advisor::server
