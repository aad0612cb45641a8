#include "bot/ops/logger.hpp"

#include "bot/protocol/json_string.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <utility>

namespace advisor::server {
namespace {

// Flush once this much is buffered.
constexpr std::size_t flush_threshold = 16 * 1024;

// Appends "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" for the current time. The
// seconds part is cached per thread.
void append_time(std::string& out) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto us = duration_cast<microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  thread_local std::time_t cached_secs = -1;
  thread_local char cached[32];
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = secs;
  }
  out.append(cached);
  char frac[8];
  frac[0] = '.';
  auto micros = static_cast<unsigned>(us % 1000000);
  for (int i = 6; i >= 1; --i) {
    frac[i] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  frac[7] = 'Z';
  out.append(frac, 8);
}

}  // namespace

std::string_view to_string(log_level level) {
  switch (level) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warn:
      return "warn";
    case log_level::error:
      return "error";
  }
  return "info";
}

std::optional<log_level> parse_log_level(std::string_view s) {
  if (s == "debug") return log_level::debug;
  if (s == "info") return log_level::info;
  if (s == "warn" || s == "warning") return log_level::warn;
  if (s == "error") return log_level::error;
  return std::nullopt;
}

using protocol::append_json_string;  // the one JSON string escaper (bot/protocol/json_string.hpp)

logger::logger(log_level min_level, bool log_text, int fd) : min_level_(min_level), log_text_(log_text), fd_(fd) {}

logger::~logger() { flush(); }

logger::record logger::at(log_level level, std::string_view event) {
  return record(enabled(level) ? this : nullptr, level, event);
}

logger::record logger::always(log_level level, std::string_view event) { return record(this, level, event); }

void logger::flush() {
  std::lock_guard lock(mu_);
  write_all(buffer_);
  buffer_.clear();
}

void logger::commit(std::string&& line, bool urgent) {
  std::lock_guard lock(mu_);
  if (buffer_.empty() && urgent) {
    write_all(line);
    return;
  }
  buffer_.append(line);
  if (urgent || buffer_.size() >= flush_threshold) {
    write_all(buffer_);
    buffer_.clear();
  }
}

void logger::write_all(std::string_view data) {
  // Called with mu_ held. A log that cannot be written (closed pipe) is
  // dropped: logging must never take the server down.
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

logger::record::record(logger* owner, log_level level, std::string_view event) : owner_(owner) {
  if (owner_ == nullptr) return;
  urgent_ = level >= log_level::warn;
  line_.reserve(192);
  line_.append("{\"time\":\"");
  append_time(line_);
  line_.append("\",\"level\":\"");
  line_.append(to_string(level));
  line_.append("\",\"event\":");
  append_json_string(line_, event);
}

logger::record::record(record&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), urgent_(other.urgent_), line_(std::move(other.line_)) {}

logger::record::~record() {
  if (owner_ == nullptr) return;
  line_.append("}\n");
  owner_->commit(std::move(line_), urgent_);
}

void logger::record::key(std::string_view k) {
  line_.append(",\"");
  line_.append(k);
  line_.append("\":");
}

logger::record& logger::record::str(std::string_view k, std::string_view value) {
  if (owner_ == nullptr) return *this;
  key(k);
  append_json_string(line_, value);
  return *this;
}

logger::record& logger::record::num(std::string_view k, std::int64_t value) {
  if (owner_ == nullptr) return *this;
  key(k);
  line_.append(std::to_string(value));
  return *this;
}

logger::record& logger::record::num(std::string_view k, std::uint64_t value) {
  if (owner_ == nullptr) return *this;
  key(k);
  line_.append(std::to_string(value));
  return *this;
}

logger::record& logger::record::num(std::string_view k, double value) {
  if (owner_ == nullptr) return *this;
  key(k);
  if (!std::isfinite(value)) {
    line_.append("null");
    return *this;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  line_.append(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
  return *this;
}

logger::record& logger::record::boolean(std::string_view k, bool value) {
  if (owner_ == nullptr) return *this;
  key(k);
  line_.append(value ? "true" : "false");
  return *this;
}

}  // namespace advisor::server
