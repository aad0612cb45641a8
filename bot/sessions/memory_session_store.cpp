#include "bot/sessions/memory_session_store.hpp"

namespace advisor::server {
namespace {

std::size_t shards_for(std::size_t max_sessions) {
  return max_sessions >= memory_session_store::min_sharded_sessions ? memory_session_store::shard_count : 1;
}

}  // namespace

memory_session_store::memory_session_store(std::chrono::nanoseconds idle, std::size_t max_sessions,
                                           std::function<clock::time_point()> now)
    : idle_(idle),
      shards_(shards_for(max_sessions)),
      max_per_shard_(max_sessions == 0 ? 1 : (max_sessions + shards_ - 1) / shards_),
      now_(std::move(now)) {}

memory_session_store::shard& memory_session_store::shard_of(std::string_view id) {
  return shard_[shards_ == 1 ? 0 : std::hash<std::string_view>{}(id) % shards_];
}

std::optional<conversation> memory_session_store::load(std::string_view id) {
  const auto now = now_();
  shard& s = shard_of(id);
  std::lock_guard lock(s.mu);
  const auto it = s.index.find(id);
  if (it == s.index.end()) return std::nullopt;
  const auto node = it->second;
  if (now - node->last_used > idle_) {
    s.index.erase(it);
    s.lru.erase(node);
    return std::nullopt;
  }
  node->last_used = now;
  s.lru.splice(s.lru.begin(), s.lru, node);
  return node->conv;
}

void memory_session_store::save(std::string_view id, const conversation& conv) {
  const auto now = now_();
  shard& s = shard_of(id);
  std::lock_guard lock(s.mu);
  if (const auto it = s.index.find(id); it != s.index.end()) {
    it->second->conv = conv;
    it->second->last_used = now;
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    return;
  }
  while (s.lru.size() >= max_per_shard_) {
    s.index.erase(s.lru.back().id);
    s.lru.pop_back();
  }
  s.lru.push_front(entry{std::string(id), conv, now});
  s.index.emplace(s.lru.front().id, s.lru.begin());
}

std::size_t memory_session_store::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < shards_; ++i) {
    std::lock_guard lock(shard_[i].mu);
    n += shard_[i].lru.size();
  }
  return n;
}

std::size_t memory_session_store::sweep() {
  const auto now = now_();
  std::size_t removed = 0;
  for (std::size_t i = 0; i < shards_; ++i) {
    shard& s = shard_[i];
    std::lock_guard lock(s.mu);
    // The list is ordered by last use: expired entries are all at the back.
    while (!s.lru.empty() && now - s.lru.back().last_used > idle_) {
      s.index.erase(s.lru.back().id);
      s.lru.pop_back();
      ++removed;
    }
  }
  return removed;
}

}  // namespace advisor::server
