#include "bot/reload/rules_reloader.hpp"

#include <algorithm>
#include <exception>

#include "bot/reload/conversation_check.hpp"

namespace advisor::server {

std::shared_ptr<const brain> load_checked_brain(const brain_sources& src, load_report& report) {
  std::shared_ptr<const brain> b;
  try {
    b = brain::load(src.rules_dir, src.knowledge_dir, report, src.engine);
    if (b != nullptr && report.ok() && !src.conversations_dir.empty())
      check_conversations(*b, src.conversations_dir, report);
  } catch (const std::exception& e) {
    report.add(src.rules_dir.string(), 0, "", std::string("unexpected error while loading: ") + e.what());
  }
  if (!report.ok()) return nullptr;
  if (b == nullptr) report.add(src.rules_dir.string(), 0, "", "the rules did not load");
  return b;
}

void check_intent_positions(const brain& serving, const brain& candidate, const std::filesystem::path& where,
                            load_report& report) {
  const auto& before = serving.intent_names();
  const auto& after = candidate.intent_names();
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (i < after.size() && after[i] == before[i]) continue;
    const auto it = std::find(after.begin(), after.end(), before[i]);
    report.add(where.string(), 0, before[i],
               it == after.end()
                   ? "intent '" + before[i] + "' was removed: open conversations may refer to it; restart instead"
                   : "intent '" + before[i] + "' moved from position " + std::to_string(i + 1) + " to " +
                         std::to_string(it - after.begin() + 1) +
                         ": open conversations refer to intents by position; add new intents after the existing "
                         "ones, or restart");
  }
}

rules_reloader::rules_reloader(chat_service& chat, metrics_registry& registry, logger& log, brain_sources src)
    : chat_(chat),
      log_(log),
      src_(std::move(src)),
      reloads_(registry.add_counter_family("advisor_reloads_total",
                                           "Rule and knowledge reloads by result (refused: the old set kept serving).",
                                           {"result"})),
      ok_total_(reloads_.with({"ok"})),
      refused_total_(reloads_.with({"refused"})),
      last_ok_seconds_(registry.add_gauge("advisor_rules_loaded_timestamp_seconds",
                                          "Unix time the serving rules and knowledge were loaded.")),
      thread_([this] { worker(); }) {
  last_ok_seconds_.set(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

rules_reloader::~rules_reloader() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

rules_reloader::outcome rules_reloader::reload(std::string_view trigger) {
  std::lock_guard serial(reload_mu_);
  const auto start = std::chrono::steady_clock::now();
  outcome out;
  const auto old = chat_.current_brain();
  out.previous_version = old ? old->version() : std::string();

  load_report report;
  auto fresh = load_checked_brain(src_, report);
  if (fresh != nullptr && old != nullptr) {
    check_intent_positions(*old, *fresh, src_.rules_dir, report);
    if (!report.ok()) fresh = nullptr;
  }
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (fresh == nullptr) {
    out.version = out.previous_version;
    out.problem_count = report.problems().size();
    for (const auto& p : report.problems()) {
      if (out.problems.size() == max_reported_problems) break;
      out.problems.push_back(p.to_string());
    }
    refused_total_.inc();
    for (const auto& p : out.problems) log_.at(log_level::warn, "reload_problem").str("problem", p);
    log_.always(log_level::error, "reload_refused")
        .str("trigger", trigger)
        .str("serving", out.version)
        .num("problems", static_cast<std::uint64_t>(out.problem_count))
        .num("took_ms", static_cast<std::int64_t>(out.took.count()));
    return out;
  }
  out.ok = true;
  out.version = fresh->version();
  chat_.set_brain(std::move(fresh));
  ok_total_.inc();
  last_ok_seconds_.set(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  log_.always(log_level::info, "reloaded")
      .str("trigger", trigger)
      .str("version", out.version)
      .str("previous", out.previous_version)
      .num("took_ms", static_cast<std::int64_t>(out.took.count()));
  return out;
}

void rules_reloader::request(std::string trigger) {
  {
    std::lock_guard lock(mu_);
    if (!pending_.empty()) return;  // one is already queued: it will read the files afresh
    pending_ = trigger.empty() ? std::string("request") : std::move(trigger);
  }
  cv_.notify_all();
}

void rules_reloader::worker() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (stop_) return;
    std::string trigger = std::move(pending_);
    pending_.clear();
    lock.unlock();
    reload(trigger);
    lock.lock();
  }
}

}  // namespace advisor::server
