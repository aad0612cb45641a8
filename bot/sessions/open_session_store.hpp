#pragma once
// Opens the session store a setting names: "memory" (this process, bounded
// by max_sessions) or "redis://host:port[/db]" (shared by replicas). A URL
// that names neither is an error: the server does not start rather than
// silently keeping sessions somewhere else.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "bot/base/status.hpp"
#include "bot/ops/logger.hpp"
#include "bot/sessions/session_store.hpp"

namespace advisor::server {

// Checks url as open_session_store() would, without connecting; the
// message says what is wrong.
status check_session_store_url(std::string_view url);

// On success sets out; log must outlive the store.
status open_session_store(std::string_view url, std::chrono::milliseconds idle, std::size_t max_sessions, logger& log,
                          std::unique_ptr<session_store>& out);

}  // namespace advisor::server
