// Engine benchmark (built, never run as a test): the cost of a message the
// process has never seen, against the same message seen once before.
//
//   build/tests/engine_never_seen RULES_DIR KNOWLEDGE_DIR FILE.jsonl [FILE.jsonl...]
//
// Loads the brain, then answers every turn of the given conversation files
// twice, in conversation order: pass 1 is text this process has never seen
// (re2 builds DFA states for it), pass 2 the same text again (states cached).
// Prints per pass: microseconds per reply (median, p99, max), heap
// allocations per reply and how many were over 64 KiB (re2's DFA states are
// allocated one by one; their size shows here), and the resident memory
// after the pass. One thread; no network. The text cache
// (engine_options::text_cache) is off, so pass 2 is the engine's work for a
// text it has met before, not a cached analysis.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "bot/engine/brain.hpp"
#include "tests/conversation_cases.hpp"

namespace {

std::atomic<std::size_t> allocations{0};
std::atomic<std::size_t> large_allocations{0};
std::atomic<std::size_t> largest_allocation{0};
constexpr std::size_t large = 64 * 1024;

void count(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (n > large) large_allocations.fetch_add(1, std::memory_order_relaxed);
  std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
  while (n > seen && !largest_allocation.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
  }
}

long resident_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct pass_figures {
  double median_us = 0, p99_us = 0, max_us = 0;
  double allocations_per_reply = 0;
  std::size_t large_allocations = 0;
  long rss_kib = 0;
};

pass_figures run_pass(const advisor::brain& b, const std::vector<std::vector<std::string>>& convs) {
  using clock_type = std::chrono::steady_clock;
  std::vector<double> samples;
  allocations = 0;
  large_allocations = 0;
  volatile std::size_t sink = 0;
  for (const auto& turns : convs) {
    advisor::conversation ctx;
    for (const auto& text : turns) {
      const auto t0 = clock_type::now();
      const advisor::reply r = b.answer(text, ctx);
      const auto t1 = clock_type::now();
      sink = sink + r.text.size();
      samples.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  pass_figures f;
  f.allocations_per_reply = static_cast<double>(allocations.load()) / static_cast<double>(samples.size());
  f.large_allocations = large_allocations.load();
  std::sort(samples.begin(), samples.end());
  f.median_us = samples[samples.size() / 2];
  f.p99_us = samples[samples.size() * 99 / 100];
  f.max_us = samples.back();
  f.rss_kib = resident_kib();
  return f;
}

}  // namespace

void* operator new(std::size_t n) {
  count(n);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s RULES_DIR KNOWLEDGE_DIR FILE.jsonl [FILE.jsonl...]\n", argv[0]);
    return 2;
  }
  advisor::load_report report;
  const auto brain = advisor::brain::load(argv[1], argv[2], report, {.text_cache = 0});
  if (!brain) {
    std::fputs(report.to_string().c_str(), stderr);
    return 1;
  }
  std::vector<std::vector<std::string>> convs;
  std::size_t turns = 0;
  for (int i = 3; i < argc; ++i) {
    for (const auto& c : advisor::testing::read_cases(argv[i])) {
      std::vector<std::string> texts;
      for (const auto& t : c.turns) texts.push_back(t.text);
      turns += texts.size();
      convs.push_back(std::move(texts));
    }
  }
  if (turns == 0) {
    std::fprintf(stderr, "no turns in the given files\n");
    return 2;
  }
  std::printf("%zu turns; resident after loading the brain: %.1f MB\n", turns, resident_kib() / 1024.0);
  largest_allocation = 0;
  const char* names[] = {"never seen (pass 1)", "seen once (pass 2)"};
  for (const char* name : names) {
    const auto f = run_pass(*brain, convs);
    std::printf("%-22s median %8.1f us  p99 %9.1f us  max %9.1f us  %6.1f allocations/reply  %6zu over 64 KiB  RSS %.1f MB\n",
                name, f.median_us, f.p99_us, f.max_us, f.allocations_per_reply, f.large_allocations,
                f.rss_kib / 1024.0);
  }
  std::printf("largest single allocation while answering: %zu bytes\n", largest_allocation.load());
  return 0;
}
