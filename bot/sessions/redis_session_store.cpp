#include "bot/sessions/redis_session_store.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <vector>

namespace advisor::server {
namespace {

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

// How often the writer refreshes size() when idle.
constexpr auto size_refresh = std::chrono::seconds(5);

}  // namespace

struct redis_session_store::connection {
  redisContext* ctx = nullptr;
  std::chrono::steady_clock::time_point retry_at{};
  ~connection() { reset(); }
  void reset() {
    if (ctx != nullptr) redisFree(ctx);
    ctx = nullptr;
  }
};

std::optional<redis_session_store::options> redis_session_store::parse_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return error = "expected redis://host:port[/db]", std::nullopt;
  url.remove_prefix(scheme.size());
  options o;
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    const auto db = url.substr(slash + 1);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), o.db);
      if (ec != std::errc() || p != db.data() + db.size() || o.db < 0 || o.db > 1000)
        return error = "the database number after '/' must be 0..1000", std::nullopt;
    }
    url = url.substr(0, slash);
  }
  std::string_view host = url;  // (IPv6 literals are not supported)
  if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    const auto port = url.substr(colon + 1);
    unsigned n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || p != port.data() + port.size() || n == 0 || n > 65535)
      return error = "expected a port 1..65535 after ':'", std::nullopt;
    o.port = static_cast<std::uint16_t>(n);
  }
  if (host.empty()) return error = "expected a host after redis://", std::nullopt;
  o.host = std::string(host);
  return o;
}

redis_session_store::redis_session_store(options o, logger& log)
    : options_(std::move(o)),
      log_(log),
      load_conn_(std::make_unique<connection>()),
      write_conn_(std::make_unique<connection>()),
      writer_([this] { writer(); }) {}

redis_session_store::~redis_session_store() {
  {
    std::lock_guard lock(write_mu_);
    stop_ = true;
  }
  write_cv_.notify_all();
  writer_.join();
}

void redis_session_store::register_metrics(metrics_registry& registry) {
  errors_.store(&registry.add_counter("advisor_session_store_errors_total",
                                      "Session store operations that failed (Redis down or slow); the reply went on "
                                      "with a fresh context or without saving."));
  registry.add_gauge_fn("advisor_session_store_up", "1 while the last session store operation succeeded, else 0.",
                        [this] { return up_.load() ? 1.0 : 0.0; });
}

bool redis_session_store::ensure(connection& c) {
  if (c.ctx != nullptr) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now < c.retry_at) return false;
  c.retry_at = now + options_.reconnect_interval;
  c.ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port, to_timeval(options_.io_timeout));
  if (c.ctx == nullptr || c.ctx->err != 0) {
    failed(c, c.ctx != nullptr ? c.ctx->errstr : "cannot allocate a Redis context");
    return false;
  }
  redisSetTimeout(c.ctx, to_timeval(options_.io_timeout));
  if (options_.db != 0) {
    reply_ptr r(static_cast<redisReply*>(redisCommand(c.ctx, "SELECT %d", options_.db)));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      failed(c, r ? std::string(r->str, r->len) : std::string(c.ctx->errstr));
      return false;
    }
  }
  return true;
}

void redis_session_store::failed(connection& c, std::string what) {
  c.reset();
  c.retry_at = std::chrono::steady_clock::now() + options_.reconnect_interval;
  if (up_.exchange(false)) {
    log_.always(log_level::warn, "session_store_down")
        .str("store", "redis")
        .str("address", options_.host + ":" + std::to_string(options_.port))
        .str("error", what);
  }
}

void redis_session_store::succeeded() {
  if (!up_.exchange(true)) {
    log_.always(log_level::info, "session_store_up")
        .str("store", "redis")
        .str("address", options_.host + ":" + std::to_string(options_.port));
  }
}

std::optional<conversation> redis_session_store::load(std::string_view id) {
  {
    // This process's own write may still be queued.
    std::lock_guard lock(write_mu_);
    if (const auto it = pending_.find(std::string(id)); it != pending_.end())
      return conversation::deserialize(it->second);
  }
  const std::string key = options_.prefix + std::string(id);
  const long long ttl_ms = options_.idle.count();
  std::lock_guard lock(load_mu_);
  auto& c = *load_conn_;
  if (!ensure(c)) {
    if (auto* e = errors_.load()) e->inc();
    return std::nullopt;
  }
  reply_ptr r(static_cast<redisReply*>(redisCommand(c.ctx, "GETEX %b PX %lld", key.data(), key.size(), ttl_ms)));
  if (!r || r->type == REDIS_REPLY_ERROR) {
    failed(c, r ? std::string(r->str, r->len) : std::string(c.ctx->errstr));
    if (auto* e = errors_.load()) e->inc();
    return std::nullopt;
  }
  succeeded();
  if (r->type != REDIS_REPLY_STRING) return std::nullopt;
  return conversation::deserialize(std::string_view(r->str, r->len));
}

void redis_session_store::save(std::string_view id, const conversation& conv) {
  {
    std::lock_guard lock(write_mu_);
    auto it = pending_.find(std::string(id));
    if (it != pending_.end()) {
      it->second = conv.serialize();
    } else if (pending_.size() < options_.max_pending) {
      pending_.emplace(std::string(id), conv.serialize());
    } else {
      if (auto* e = errors_.load()) e->inc();
      return;
    }
  }
  write_cv_.notify_one();
}

void redis_session_store::writer() {
  std::unique_lock lock(write_mu_);
  auto next_size = std::chrono::steady_clock::now();
  while (true) {
    write_cv_.wait_until(lock, next_size, [this] { return stop_ || !pending_.empty(); });
    if (stop_ && pending_.empty()) return;
    // Keep the batch visible to load() until it is written: copy, write,
    // then erase the entries not saved again meanwhile.
    std::vector<std::pair<std::string, std::string>> batch(pending_.begin(), pending_.end());
    lock.unlock();

    auto& c = *write_conn_;
    if (!batch.empty()) {
      if (!ensure(c)) {
        if (auto* e = errors_.load()) e->inc(batch.size());
      } else {
        const long long ttl_ms = options_.idle.count();
        for (const auto& [id, value] : batch) {
          const std::string key = options_.prefix + id;
          redisAppendCommand(c.ctx, "SET %b %b PX %lld", key.data(), key.size(), value.data(), value.size(), ttl_ms);
        }
        bool ok = true;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          void* raw = nullptr;
          if (redisGetReply(c.ctx, &raw) != REDIS_OK) {
            failed(c, c.ctx->errstr);
            if (auto* e = errors_.load()) e->inc(batch.size() - i);
            ok = false;
            break;
          }
          reply_ptr r(static_cast<redisReply*>(raw));
          if (r && r->type == REDIS_REPLY_ERROR) ok = false;
        }
        if (ok) succeeded();
      }
    }
    if (std::chrono::steady_clock::now() >= next_size) {
      next_size = std::chrono::steady_clock::now() + size_refresh;
      if (ensure(c)) {
        reply_ptr r(static_cast<redisReply*>(redisCommand(c.ctx, "DBSIZE")));
        if (!r)
          failed(c, c.ctx->errstr);
        else if (r->type == REDIS_REPLY_INTEGER)
          size_.store(static_cast<std::size_t>(r->integer), std::memory_order_relaxed);
      }
    }

    lock.lock();
    for (const auto& [id, value] : batch) {
      const auto it = pending_.find(id);
      if (it != pending_.end() && it->second == value) pending_.erase(it);
    }
  }
}

}  // namespace advisor::server
