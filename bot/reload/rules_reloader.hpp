#pragma once
// A rules_reloader replaces the server's brain without a restart: it loads
// the rules and knowledge, validates them exactly as `advisor --check` does
// (every load problem, plus the conversation checks that ship with the
// rules, and that every serving intent keeps its position, see
// check_intent_positions), and only then swaps the new brain in (chat_service::set_brain,
// one atomic pointer store). On any failure the old brain keeps serving;
// the reason is logged and counted (advisor_reloads_total{result="refused"}).
//
// Connections are not touched: each message is answered by the brain
// current when it arrives, with its conversation's context carried over.
//
//   rules_reloader reloader(chat, registry, log, {rules_dir, knowledge_dir, conversations_dir});
//   server.on_reload([&] { reloader.request("SIGHUP"); });   // off the I/O threads
//   auto result = reloader.reload("admin");                  // waits for the outcome
//
// Thread safety: reload() and request() may be called from any thread;
// reloads run one at a time. request() hands the work to the reloader's own
// thread and coalesces requests that arrive while one is running. The
// reloader must be destroyed before chat, registry and log; its destructor waits for a reload
// in progress.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bot/chat/chat_service.hpp"
#include "bot/engine/brain.hpp"
#include "bot/engine/load_report.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::server {

// Where a brain comes from.
struct brain_sources {
  std::filesystem::path rules_dir;          // rules/*.json (searched recursively)
  std::filesystem::path knowledge_dir;      // knowledge.json and the article
  std::filesystem::path conversations_dir;  // shipped conversation checks (*.jsonl); empty: none
  engine_options engine;                    // how the matchers are built (re2's memory budget)
};

// Loads and validates a brain: every problem of brain::load plus every wrong
// turn of the conversation checks goes to report. Returns nullptr unless
// report is clean. Never throws.
std::shared_ptr<const brain> load_checked_brain(const brain_sources& src, load_report& report);

// A conversation refers to its last topic by the intent's position in the
// brain's intent table, so a reload must keep every serving intent where it
// is (new intents go after them); adds one problem to report per intent
// that moved or was removed. Removing or reordering intents needs a restart.
void check_intent_positions(const brain& serving, const brain& candidate, const std::filesystem::path& where,
                            load_report& report);

class rules_reloader {
 public:
  struct outcome {
    bool ok = false;
    std::string version;                // the version now serving (the old one when refused)
    std::string previous_version;       // the version before the reload
    std::vector<std::string> problems;  // why it was refused (at most max_reported_problems)
    std::size_t problem_count = 0;      // all problems, reported or not
    std::chrono::milliseconds took{0};
  };

  // Most problems an outcome (and the log) lists; the count says the rest.
  static constexpr std::size_t max_reported_problems = 20;

  rules_reloader(chat_service& chat, metrics_registry& registry, logger& log, brain_sources src);
  ~rules_reloader();
  rules_reloader(const rules_reloader&) = delete;
  rules_reloader& operator=(const rules_reloader&) = delete;

  // Loads, validates and swaps now, on the calling thread; trigger names the
  // cause in the log ("SIGHUP", "admin").
  outcome reload(std::string_view trigger);

  // Schedules reload(trigger) on the reloader's thread and returns at once.
  void request(std::string trigger);

 private:
  void worker();

  chat_service& chat_;
  logger& log_;
  const brain_sources src_;
  counter_family& reloads_;
  counter& ok_total_;
  counter& refused_total_;
  gauge& last_ok_seconds_;
  std::mutex reload_mu_;  // one reload at a time

  std::mutex mu_;  // guards pending_ and stop_
  std::condition_variable cv_;
  std::string pending_;  // trigger of a requested reload; empty: none
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace advisor::server
