#pragma once
// A metrics_registry holds the process's metrics and renders them in the
// Prometheus text exposition format (version 0.0.4): "# HELP" and "# TYPE"
// before each metric's samples, histogram buckets cumulative in ascending
// `le` ending with le="+Inf" equal to _count, then _sum and _count.
//
// Metric kinds: counter, gauge, gauge_fn (read at scrape time), histogram
// and counter_family (a counter with labels, e.g.
// advisor_errors_total{code="bad_json"}).
//
// Thread safety: updating a metric is a relaxed atomic operation (lock-free,
// for hot paths). counter_family::with() takes a mutex: look a child up once
// and keep the reference on hot paths. Registering and rendering take the
// registry's mutex. References returned stay valid for the registry's
// lifetime.
//
// Adding a metric elsewhere (say a webhook adapter):
//   auto& rejected = registry.add_counter_family(
//       "advisor_webhook_rejected_total", "Webhook requests rejected.", {"channel", "reason"});
//   rejected.with({"slack", "bad_signature"}).inc();

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::server {

class counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class gauge {
 public:
  void inc(std::int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Fixed buckets given as upper bounds in seconds (ascending; +Inf implied).
class histogram {
 public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(std::chrono::nanoseconds d);
  // Number of observations (the +Inf bucket).
  std::uint64_t count() const;
  void render(std::string& out, std::string_view name) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::int64_t> bounds_ns_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket (not cumulative); last is +Inf
  std::atomic<std::uint64_t> sum_ns_{0};
};

class counter_family {
 public:
  explicit counter_family(std::vector<std::string> label_names);
  // The child counter for these label values (one per label name, in
  // order), created at zero on first use.
  counter& with(std::initializer_list<std::string_view> values);
  void render(std::string& out, std::string_view name) const;

 private:
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<counter>> children_;
};

class metrics_registry {
 public:
  metrics_registry();
  ~metrics_registry();
  metrics_registry(const metrics_registry&) = delete;
  metrics_registry& operator=(const metrics_registry&) = delete;

  // Names must be unique; help is one line of text.
  counter& add_counter(std::string name, std::string help);
  gauge& add_gauge(std::string name, std::string help);
  void add_gauge_fn(std::string name, std::string help, std::function<double()> read);
  counter_family& add_counter_family(std::string name, std::string help, std::vector<std::string> label_names);
  histogram& add_histogram(std::string name, std::string help, std::vector<double> upper_bounds);

  // The whole exposition, metrics in registration order.
  std::string render() const;

 private:
  struct entry;
  entry& add(std::string name, std::string help, std::string_view type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<entry>> entries_;
};

}  // namespace advisor::server
