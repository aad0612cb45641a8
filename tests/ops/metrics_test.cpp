#include "bot/ops/metrics.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace advisor::server;
using namespace std::chrono_literals;

TEST_CASE("metrics render in Prometheus text format with HELP and TYPE first", "[server]") {
  metrics_registry r;
  auto& c = r.add_counter("x_total", "Things.");
  auto& g = r.add_gauge("x_current", "Now.");
  r.add_gauge_fn("x_fn", "Computed.", [] { return 2.5; });
  auto& f = r.add_counter_family("x_by_code_total", "By code.", {"code"});
  c.inc();
  c.inc(2);
  g.inc(5);
  g.dec();
  f.with({"b"}).inc();
  f.with({"a\"q"}).inc(3);
  f.with({"b"}).inc();

  const auto text = r.render();
  CHECK(text ==
        "# HELP x_total Things.\n# TYPE x_total counter\nx_total 3\n"
        "# HELP x_current Now.\n# TYPE x_current gauge\nx_current 4\n"
        "# HELP x_fn Computed.\n# TYPE x_fn gauge\nx_fn 2.5\n"
        "# HELP x_by_code_total By code.\n# TYPE x_by_code_total counter\n"
        "x_by_code_total{code=\"a\\\"q\"} 3\nx_by_code_total{code=\"b\"} 2\n");
}

TEST_CASE("histogram buckets are cumulative, +Inf equals count, sum in seconds", "[server]") {
  metrics_registry r;
  auto& h = r.add_histogram("lat_seconds", "Latency.", {0.001, 0.01});
  h.observe(500us);
  h.observe(1ms);  // on the bound: counted in le="0.001"
  h.observe(5ms);
  h.observe(2s);
  CHECK(h.count() == 4);
  const auto text = r.render();
  CHECK(text.find("lat_seconds_bucket{le=\"0.001\"} 2\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{le=\"0.01\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(text.find("lat_seconds_sum 2.0065\n") != std::string::npos);
  CHECK(text.find("lat_seconds_count 4\n") != std::string::npos);
  CHECK(text.find("# TYPE lat_seconds histogram\n") < text.find("lat_seconds_bucket"));
}

TEST_CASE("counters and families are safe to update from many threads", "[server]") {
  metrics_registry r;
  auto& c = r.add_counter("n_total", "N.");
  auto& f = r.add_counter_family("f_total", "F.", {"channel", "reason"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        f.with({"slack", i % 2 ? "bad_signature" : "stale"}).inc();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.value() == 40000);
  const auto text = r.render();
  CHECK(text.find("f_total{channel=\"slack\",reason=\"bad_signature\"} 20000\n") != std::string::npos);
  CHECK(text.find("f_total{channel=\"slack\",reason=\"stale\"} 20000\n") != std::string::npos);
}
