#include "bot/ops/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <variant>

namespace advisor::server {
namespace {

void append_double(std::string& out, double v) {
  if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
}

void append_label_value(std::string& out, std::string_view v) {
  out.push_back('"');
  for (const char c : v) {
    if (c == '\\')
      out.append("\\\\");
    else if (c == '"')
      out.append("\\\"");
    else if (c == '\n')
      out.append("\\n");
    else
      out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

// --- histogram ---

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
  bounds_ns_.reserve(bounds_.size());
  for (const double b : bounds_) bounds_ns_.push_back(static_cast<std::int64_t>(std::llround(b * 1e9)));
}

void histogram::observe(std::chrono::nanoseconds d) {
  const std::int64_t ns = std::max<std::int64_t>(0, d.count());
  std::size_t i = 0;
  while (i < bounds_ns_.size() && ns > bounds_ns_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

std::uint64_t histogram::count() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

void histogram::render(std::string& out, std::string_view name) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out.append(name);
    out.append("_bucket{le=\"");
    if (i < bounds_.size())
      append_double(out, bounds_[i]);
    else
      out.append("+Inf");
    out.append("\"} ");
    out.append(std::to_string(cumulative));
    out.push_back('\n');
  }
  out.append(name);
  out.append("_sum ");
  append_double(out, static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  out.push_back('\n');
  out.append(name);
  out.append("_count ");
  out.append(std::to_string(cumulative));
  out.push_back('\n');
}

// --- counter_family ---

counter_family::counter_family(std::vector<std::string> label_names) : label_names_(std::move(label_names)) {}

counter& counter_family::with(std::initializer_list<std::string_view> values) {
  std::vector<std::string> key(values.begin(), values.end());
  key.resize(label_names_.size());
  std::lock_guard lock(mu_);
  auto& slot = children_[std::move(key)];
  if (!slot) slot = std::make_unique<counter>();
  return *slot;
}

void counter_family::render(std::string& out, std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& [values, c] : children_) {
    out.append(name);
    out.push_back('{');
    for (std::size_t i = 0; i < label_names_.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append(label_names_[i]);
      out.push_back('=');
      append_label_value(out, values[i]);
    }
    out.append("} ");
    out.append(std::to_string(c->value()));
    out.push_back('\n');
  }
}

// --- registry ---

struct metrics_registry::entry {
  std::string name;
  std::string help;
  std::string_view type;
  std::variant<std::monostate, std::unique_ptr<counter>, std::unique_ptr<gauge>, std::function<double()>,
               std::unique_ptr<counter_family>, std::unique_ptr<histogram>>
      metric;
};

metrics_registry::metrics_registry() = default;
metrics_registry::~metrics_registry() = default;

metrics_registry::entry& metrics_registry::add(std::string name, std::string help, std::string_view type) {
  auto e = std::make_unique<entry>();
  e->name = std::move(name);
  e->help = std::move(help);
  e->type = type;
  std::lock_guard lock(mu_);
  entries_.push_back(std::move(e));
  return *entries_.back();
}

counter& metrics_registry::add_counter(std::string name, std::string help) {
  auto c = std::make_unique<counter>();
  counter& ref = *c;
  add(std::move(name), std::move(help), "counter").metric = std::move(c);
  return ref;
}

gauge& metrics_registry::add_gauge(std::string name, std::string help) {
  auto g = std::make_unique<gauge>();
  gauge& ref = *g;
  add(std::move(name), std::move(help), "gauge").metric = std::move(g);
  return ref;
}

void metrics_registry::add_gauge_fn(std::string name, std::string help, std::function<double()> read) {
  add(std::move(name), std::move(help), "gauge").metric = std::move(read);
}

counter_family& metrics_registry::add_counter_family(std::string name, std::string help,
                                                     std::vector<std::string> label_names) {
  auto f = std::make_unique<counter_family>(std::move(label_names));
  counter_family& ref = *f;
  add(std::move(name), std::move(help), "counter").metric = std::move(f);
  return ref;
}

histogram& metrics_registry::add_histogram(std::string name, std::string help, std::vector<double> upper_bounds) {
  auto h = std::make_unique<histogram>(std::move(upper_bounds));
  histogram& ref = *h;
  add(std::move(name), std::move(help), "histogram").metric = std::move(h);
  return ref;
}

std::string metrics_registry::render() const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mu_);
  for (const auto& e : entries_) {
    out.append("# HELP ").append(e->name).append(" ").append(e->help).append("\n");
    out.append("# TYPE ").append(e->name).append(" ").append(e->type).append("\n");
    if (auto* c = std::get_if<std::unique_ptr<counter>>(&e->metric)) {
      out.append(e->name).append(" ").append(std::to_string((*c)->value())).append("\n");
    } else if (auto* g = std::get_if<std::unique_ptr<gauge>>(&e->metric)) {
      out.append(e->name).append(" ").append(std::to_string((*g)->value())).append("\n");
    } else if (auto* fn = std::get_if<std::function<double()>>(&e->metric)) {
      out.append(e->name).append(" ");
      append_double(out, (*fn)());
      out.append("\n");
    } else if (auto* f = std::get_if<std::unique_ptr<counter_family>>(&e->metric)) {
      (*f)->render(out, e->name);
    } else if (auto* h = std::get_if<std::unique_ptr<histogram>>(&e->metric)) {
      (*h)->render(out, e->name);
    }
  }
  return out;
}

}  // namespace advisor::server
