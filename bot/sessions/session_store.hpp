#pragma once
// A session_store keeps each conversation's context (advisor::conversation)
// under an opaque session id, so a client can resume a conversation from a
// new connection (/ws?session=<id>) or across HTTP requests
// (/api/v1/chat's "session"). Entries not used for the store's idle time are
// forgotten; the store holds a bounded number of them.
//
// This is the seam for the back ends: memory_session_store keeps entries
// in this process; redis_session_store shares them between replicas
// (open_session_store.hpp picks one from --sessions).
//
// Thread safety: implementations must allow concurrent calls from any
// thread.

#include <cstddef>
#include <optional>
#include <string_view>

#include "bot/engine/conversation.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::server {

class session_store {
 public:
  virtual ~session_store() = default;

  // The conversation saved under id, or nullopt when id is unknown or has
  // been idle too long. A hit counts as use (restarts the idle clock).
  virtual std::optional<conversation> load(std::string_view id) = 0;

  // Saves conv under id, creating the entry or replacing it, and restarts
  // its idle clock. May evict the least recently used entry to stay within
  // bounds.
  virtual void save(std::string_view id, const conversation& conv) = 0;

  // Number of entries held (expired ones may still count until sweep()).
  virtual std::size_t size() const = 0;

  // Drops expired entries; returns how many. Called periodically.
  virtual std::size_t sweep() = 0;

  // Adds the store's own metrics (if any) to registry; called once, before
  // the server runs.
  virtual void register_metrics(metrics_registry&) {}
};

}  // namespace advisor::server
