#include "bot/net/connection.hpp"

#include <vector>

namespace advisor::server {

void connection_registry::add(const std::shared_ptr<connection>& c) {
  std::lock_guard lock(mu_);
  live_.emplace(c.get(), c);
}

void connection_registry::remove(const connection* c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
}

void connection_registry::shutdown_all() {
  std::vector<std::shared_ptr<connection>> live;
  {
    std::lock_guard lock(mu_);
    live.reserve(live_.size());
    for (const auto& [ptr, weak] : live_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  // Outside the lock: releasing the last reference may run a destructor
  // that calls remove().
  for (const auto& c : live) c->shutdown();
}

std::size_t connection_registry::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

}  // namespace advisor::server
