#include "bot/sessions/open_session_store.hpp"

#include <string>

#include "bot/sessions/memory_session_store.hpp"
#include "bot/sessions/redis_session_store.hpp"

namespace advisor::server {

status check_session_store_url(std::string_view url) {
  if (url == "memory") return status();
  std::string error;
  if (!redis_session_store::parse_url(url, error)) return status::invalid_argument(error);
  return status();
}

status open_session_store(std::string_view url, std::chrono::milliseconds idle, std::size_t max_sessions, logger& log,
                          std::unique_ptr<session_store>& out) {
  if (url == "memory") {
    out = std::make_unique<memory_session_store>(idle, max_sessions);
    return status();
  }
  std::string error;
  auto ro = redis_session_store::parse_url(url, error);
  if (!ro) return status::invalid_argument("session store '" + std::string(url) + "': " + error);
  ro->idle = idle;
  out = std::make_unique<redis_session_store>(std::move(*ro), log);
  return status();
}

}  // namespace advisor::server
