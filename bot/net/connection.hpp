#pragma once
// Bookkeeping shared by every client connection.
//
// A connection is anything the server must close on shutdown (an HTTP
// session, a WebSocket session). A connection_registry knows the live ones
// so a graceful shutdown can reach them all. A connection_slot counts one
// open TCP connection against the --max-connections limit for as long as it
// lives; it moves from the HTTP session to the WebSocket session on upgrade.
//
// Thread safety: connection_registry members may be called from any thread.
// connection::shutdown() must be safe from any thread (implementations post
// to their strand).

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace advisor::server {

class connection {
 public:
  virtual ~connection() = default;
  // Asks the connection to finish what is in flight and close (WebSockets
  // with 1001). Returns at once.
  virtual void shutdown() = 0;
};

class connection_registry {
 public:
  void add(const std::shared_ptr<connection>& c);
  // Called from the connection's destructor.
  void remove(const connection* c);
  // Calls shutdown() on every live connection.
  void shutdown_all();
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<const connection*, std::weak_ptr<connection>> live_;
};

class connection_slot {
 public:
  connection_slot() = default;
  // Counts one more connection in open.
  explicit connection_slot(std::atomic<std::size_t>& open) : open_(&open) {
    count_ = open.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  connection_slot(connection_slot&& o) noexcept : open_(std::exchange(o.open_, nullptr)), count_(o.count_) {}
  connection_slot& operator=(connection_slot&& o) noexcept {
    if (this != &o) {
      release();
      open_ = std::exchange(o.open_, nullptr);
      count_ = o.count_;
    }
    return *this;
  }
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;
  ~connection_slot() { release(); }

  // Open connections right after this one was counted (itself included).
  std::size_t count_when_opened() const { return count_; }

 private:
  void release() {
    if (open_ != nullptr) open_->fetch_sub(1, std::memory_order_relaxed);
    open_ = nullptr;
  }
  std::atomic<std::size_t>* open_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace advisor::server
