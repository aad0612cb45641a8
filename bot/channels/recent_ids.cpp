#include "bot/channels/recent_ids.hpp"

namespace advisor::channels {

bool recent_ids::insert(std::string_view id, std::string value) {
  std::lock_guard lock(mu_);
  std::string key(id);
  if (values_.find(key) != values_.end()) return false;
  if (order_.size() >= capacity_) {
    values_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  values_.emplace(std::move(key), std::move(value));
  return true;
}

std::optional<std::string> recent_ids::find(std::string_view id) const {
  std::lock_guard lock(mu_);
  const auto it = values_.find(std::string(id));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::size_t recent_ids::size() const {
  std::lock_guard lock(mu_);
  return order_.size();
}

}  // namespace advisor::channels
