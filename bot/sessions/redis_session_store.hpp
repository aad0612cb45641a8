#pragma once
// A redis_session_store is a session_store kept in Redis, so several advisor
// processes behind a load balancer share conversations: one begun on one
// replica continues on another (?session= resume, /api/v1/chat sessions).
// Each conversation is one key, "advisor:session:<id>", holding
// conversation::serialize()'s text with the store's idle time as its expiry
// (refreshed on every load and save); Redis expires them, sweep() does
// nothing.
//
// Redis being down or slow never fails a reply: load() then answers "no such
// session" (a fresh context), save() drops the write; both count
// advisor_session_store_errors_total, the first failure after success logs
// a warning (session_store_down) and the first success after failures an
// info line (session_store_up). A down server is tried again at most once
// per reconnect_interval, so the hot path does not keep paying timeouts.
//
// Waiting: load() is one round trip (GETEX, bounded by io_timeout); save()
// never waits: writes go to a background thread that pipelines them
// (coalescing repeated saves of one id), so a WebSocket message waits for
// Redis not at all and an HTTP chat request once. A load sees this
// process's own writes still queued.
//
// Thread safety: all members may be called concurrently. Loads share one
// connection (one mutex); the writer thread has its own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"
#include "bot/sessions/session_store.hpp"

struct redisContext;

namespace advisor::server {

class redis_session_store final : public session_store {
 public:
  struct options {
    std::string host = "127.0.0.1";                      // Redis host name or address
    std::uint16_t port = 6379;                           // Redis port
    int db = 0;                                          // database number (SELECT)
    std::chrono::milliseconds idle{30 * 60 * 1000};      // a conversation's expiry after its last use
    std::chrono::milliseconds io_timeout{200};           // connect and per-command timeout
    std::chrono::milliseconds reconnect_interval{1000};  // least time between attempts while down
    std::size_t max_pending = 10000;                     // queued writes; beyond it a save is dropped (counted)
    std::string prefix = "advisor:session:";             // key prefix
  };

  // Parses "redis://host:port[/db]" (port defaults to 6379). Returns nullopt
  // and sets error when malformed.
  static std::optional<options> parse_url(std::string_view url, std::string& error);

  // log must outlive the store. Connects lazily.
  redis_session_store(options o, logger& log);
  ~redis_session_store() override;
  redis_session_store(const redis_session_store&) = delete;
  redis_session_store& operator=(const redis_session_store&) = delete;

  std::optional<conversation> load(std::string_view id) override;
  void save(std::string_view id, const conversation& conv) override;
  // Keys in the store's database (DBSIZE, refreshed by the writer thread
  // every few seconds; use a database of its own).
  std::size_t size() const override { return size_.load(std::memory_order_relaxed); }
  std::size_t sweep() override { return 0; }
  void register_metrics(metrics_registry& registry) override;

 private:
  struct connection;
  bool ensure(connection& c);
  void failed(connection& c, std::string what);  // what is copied: it may point into c
  void succeeded();
  void writer();

  const options options_;
  logger& log_;
  std::atomic<counter*> errors_{nullptr};
  std::atomic<bool> up_{true};
  std::atomic<std::size_t> size_{0};

  std::mutex load_mu_;
  std::unique_ptr<connection> load_conn_;

  std::mutex write_mu_;  // guards pending_ and stop_
  std::condition_variable write_cv_;
  std::unordered_map<std::string, std::string> pending_;  // id -> serialized conversation
  bool stop_ = false;
  std::unique_ptr<connection> write_conn_;  // writer thread only
  std::thread writer_;
};

}  // namespace advisor::server
