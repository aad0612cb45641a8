#pragma once
// A memory_session_store is a session_store held in this process: hash maps
// plus least-recently-used lists, bounded by max_sessions (saving a new id
// when full evicts the least recently used entry) and by idle time (expired
// entries are dropped on access and by sweep()). About 200 bytes per entry.
//
// No process-wide lock per message: with max_sessions of at least
// min_sharded_sessions the store is `shard_count` shards, chosen by a hash of
// the id, each with its own mutex, list and a share of max_sessions
// (rounded up), so connections on different threads rarely wait for each
// other; "least recently used" then holds within a shard. Smaller stores
// (tests, tiny deployments) are one shard: exact LRU over all entries.
//
// Thread safety: all members may be called concurrently.

#include <array>
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
  static constexpr std::size_t shard_count = 16;
  static constexpr std::size_t min_sharded_sessions = 1024;

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
  struct shard {
    mutable std::mutex mu;
    entry_list lru;
    std::unordered_map<std::string_view, entry_list::iterator> index;  // keys view entry::id
  };
  shard& shard_of(std::string_view id);

  const std::chrono::nanoseconds idle_;
  const std::size_t shards_;  // in use: 1 or shard_count
  const std::size_t max_per_shard_;
  const std::function<clock::time_point()> now_;
  std::array<shard, shard_count> shard_;
};

}  // namespace advisor::server
