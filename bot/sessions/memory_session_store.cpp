#include "bot/sessions/memory_session_store.hpp"

namespace advisor::server {

memory_session_store::memory_session_store(std::chrono::nanoseconds idle, std::size_t max_sessions,
                                           std::function<clock::time_point()> now)
    : idle_(idle), max_sessions_(max_sessions == 0 ? 1 : max_sessions), now_(std::move(now)) {}

std::optional<conversation> memory_session_store::load(std::string_view id) {
  const auto now = now_();
  std::lock_guard lock(mu_);
  const auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  const auto node = it->second;
  if (now - node->last_used > idle_) {
    index_.erase(it);
    lru_.erase(node);
    return std::nullopt;
  }
  node->last_used = now;
  lru_.splice(lru_.begin(), lru_, node);
  return node->conv;
}

void memory_session_store::save(std::string_view id, const conversation& conv) {
  const auto now = now_();
  std::lock_guard lock(mu_);
  if (const auto it = index_.find(id); it != index_.end()) {
    it->second->conv = conv;
    it->second->last_used = now;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  while (lru_.size() >= max_sessions_) {
    index_.erase(lru_.back().id);
    lru_.pop_back();
  }
  lru_.push_front(entry{std::string(id), conv, now});
  index_.emplace(lru_.front().id, lru_.begin());
}

std::size_t memory_session_store::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

std::size_t memory_session_store::sweep() {
  const auto now = now_();
  std::lock_guard lock(mu_);
  std::size_t removed = 0;
  // The list is ordered by last use: expired entries are all at the back.
  while (!lru_.empty() && now - lru_.back().last_used > idle_) {
    index_.erase(lru_.back().id);
    lru_.pop_back();
    ++removed;
  }
  return removed;
}

}  // namespace advisor::server
