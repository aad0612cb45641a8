#include "bot/http/router.hpp"

#include <algorithm>

namespace advisor::server {

router::route& router::entry(std::string path, bool prefix) {
  auto& table = prefix ? prefixes_ : exact_;
  for (auto& r : table) {
    if (r.path == path) return r;
  }
  table.push_back(route{std::move(path), prefix, {}});
  return table.back();
}

void router::add(http::verb method, std::string path, route_handler handler) {
  entry(std::move(path), false).handlers.emplace_back(method, std::move(handler));
}

void router::add_prefix(http::verb method, std::string prefix, route_handler handler) {
  entry(std::move(prefix), true).handlers.emplace_back(method, std::move(handler));
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const route& a, const route& b) { return a.path.size() > b.path.size(); });
}

router::match router::select(const route& r, http::verb method, std::string_view suffix) {
  match m;
  m.route = r.path;
  m.suffix = suffix;
  const route_handler* get = nullptr;
  for (const auto& [verb, handler] : r.handlers) {
    if (verb == method) {
      m.result = outcome::found;
      m.handler = &handler;
      return m;
    }
    if (verb == http::verb::get) get = &handler;
  }
  if (method == http::verb::head && get != nullptr) {
    m.result = outcome::found;
    m.handler = get;
    return m;
  }
  m.result = outcome::method_not_allowed;
  for (const auto& [verb, handler] : r.handlers) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += std::string(http::to_string(verb));
    if (verb == http::verb::get) m.allow += ", HEAD";
  }
  return m;
}

router::match router::find(http::verb method, std::string_view path) const {
  for (const auto& r : exact_) {
    if (r.path == path) return select(r, method, {});
  }
  for (const auto& r : prefixes_) {
    if (path.size() > r.path.size() && path.substr(0, r.path.size()) == r.path) {
      return select(r, method, path.substr(r.path.size()));
    }
  }
  return match{};
}

}  // namespace advisor::server
