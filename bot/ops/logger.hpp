#pragma once
// A logger writes structured logs as JSON lines: one JSON object per line
// with "time" (UTC, ISO 8601 with microseconds), "level" and "event" first,
// then the record's own fields, e.g.
//   {"time":"2025-01-31T12:00:00.123456Z","level":"info","event":"reply","session":"...","intent":"skills","latency_us":14}
//
// Lines are buffered and written with one write(2) per batch: immediately
// for warn and error records and for flush(), otherwise when the buffer
// exceeds a few KiB or when the owner calls flush() (the server does so
// several times a second), so logging costs no system call per reply.
//
// Thread safety: all members may be called from any thread.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace advisor::server {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

std::string_view to_string(log_level level);
// "debug", "info", "warn" (or "warning"), "error"; nullopt otherwise.
std::optional<log_level> parse_log_level(std::string_view s);

class logger {
 public:
  class record;

  // Writes to file descriptor fd (1 = stdout); records below min_level are
  // dropped. log_text says whether user text may be logged (see log_text()).
  explicit logger(log_level min_level, bool log_text = false, int fd = 1);
  ~logger();  // flushes
  logger(const logger&) = delete;
  logger& operator=(const logger&) = delete;

  bool enabled(log_level level) const { return level >= min_level_; }
  // Whether user text may be written to the log (--log-text).
  bool log_text() const { return log_text_; }

  // Starts a record; it is written when the returned object is destroyed
  // (at the end of the full expression), unless level is disabled:
  //   log.at(log_level::info, "reply").str("intent", r.intent).num("latency_us", us);
  record at(log_level level, std::string_view event);
  // Like at(), but written even when level is disabled (the "listening" line
  // that tests and supervisors read must always appear).
  record always(log_level level, std::string_view event);

  // Writes everything buffered.
  void flush();

 private:
  friend class record;
  void commit(std::string&& line, bool urgent);
  void write_all(std::string_view data);

  const log_level min_level_;
  const bool log_text_;
  const int fd_;
  std::mutex mu_;
  std::string buffer_;
};

// One log line under construction. Field setters are no-ops on a disabled
// record. Keys must be plain ASCII identifiers (they are not escaped).
class logger::record {
 public:
  record(record&& other) noexcept;
  record(const record&) = delete;
  record& operator=(const record&) = delete;
  record& operator=(record&&) = delete;
  ~record();

  record& str(std::string_view key, std::string_view value);
  record& num(std::string_view key, std::int64_t value);
  record& num(std::string_view key, std::uint64_t value);
  record& num(std::string_view key, int value) { return num(key, static_cast<std::int64_t>(value)); }
  record& num(std::string_view key, unsigned value) { return num(key, static_cast<std::uint64_t>(value)); }
  record& num(std::string_view key, double value);
  record& boolean(std::string_view key, bool value);

 private:
  friend class logger;
  record(logger* owner, log_level level, std::string_view event);
  void key(std::string_view k);

  logger* owner_;  // nullptr when disabled
  bool urgent_ = false;
  std::string line_;
};

}  // namespace advisor::server
