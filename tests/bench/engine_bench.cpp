// Engine benchmark (built, never run as a test):
//   engine_bench [RULES_DIR KNOWLEDGE_DIR [CONVERSATIONS_DIR]] [--seconds S]
// 1. Replies per second on one thread over a realistic mix of questions
//    (every turn of the conversation test files, in conversation order),
//    with the per-reply median and p99.
// 2. The same mix against the shipped rules plus generated rules making the
//    rule set 10x larger; prints the slowdown ratio (same process, same run).
// The text cache (engine_options::text_cache) is off: each reply is the
// engine's whole work, as for a text never seen.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

#include "bot/engine/brain.hpp"
#include "tests/conversation_cases.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct figures {
  double replies_per_second;
  double median_us;
  double p99_us;
};

// Runs the mix repeatedly for about `seconds`, timing each reply.
figures measure(const advisor::brain& b, const std::vector<std::vector<std::string>>& convs, double seconds) {
  std::vector<double> samples;
  samples.reserve(1 << 20);
  std::size_t replies = 0;
  volatile std::size_t sink = 0;
  const auto start = clock_type::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (clock_type::now() < until) {
    for (const auto& turns : convs) {
      advisor::conversation ctx;
      for (const auto& text : turns) {
        const auto t0 = clock_type::now();
        advisor::reply r = b.answer(text, ctx);
        const auto t1 = clock_type::now();
        sink = sink + r.text.size();
        samples.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        ++replies;
      }
    }
  }
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  std::sort(samples.begin(), samples.end());
  return {replies / elapsed, samples[samples.size() / 2], samples[samples.size() * 99 / 100]};
}

// Copies rules_dir to a temporary directory and adds generated rules so the
// set holds `factor` times as many rules. Generated rules use the shipped
// concepts and words plus made-up words (as a larger real rule set would add
// new vocabulary), so re2 matches them like real rules but they do not fire.
fs::path grow_rules(const fs::path& rules_dir, std::size_t current, std::size_t factor,
                    const std::vector<std::string>& intents) {
  const fs::path dir = fs::temp_directory_path() / ("advisor-bench-rules-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(rules_dir))
    if (e.path().extension() == ".json") fs::copy_file(e.path(), dir / e.path().filename());
  const char* concepts[] = {"~role", "~skill", "~metric", "~focus", "~decision", "~daily", "~career",
                            "~collaborate", "~stakeholder", "~technical", "~lifecycle", "~they", "~tell"};
  const char* words[] = {"what", "how", "does", "need", "team", "work", "role", "about", "their", "best",
                         "most", "when", "with", "make", "good", "plan", "ship", "learn", "help", "they"};
  std::mt19937 rng(42);
  std::ofstream out(dir / "zz_generated.json");
  out << "{\"rules\": [\n";
  const std::size_t extra = current * (factor - 1);
  for (std::size_t i = 0; i < extra; ++i) {
    std::string made_up = "gen" + std::to_string(i) + "x";
    std::string pattern = std::string(words[rng() % 20]) + " * " + concepts[rng() % 13] + " " + made_up;
    std::string second = "gen" + std::to_string(i) + "y " + concepts[rng() % 13];
    const std::string& intent = intents[rng() % 15];
    out << (i ? ",\n" : "") << "{\"id\": \"generated." << i << "\", \"intent\": \"" << intent
        << "\", \"weight\": 0.7, \"all\": [\"" << pattern << "\", \"" << second << "\"]}";
  }
  out << "\n]}\n";
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  double seconds = 3.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
    else pos.emplace_back(argv[i]);
  }
  const fs::path src = ADVISOR_SOURCE_DIR;
  const fs::path rules_dir = pos.size() > 0 ? fs::path(pos[0]) : src / "rules";
  const fs::path knowledge_dir = pos.size() > 1 ? fs::path(pos[1]) : src / "knowledge";
  const fs::path conv_dir = pos.size() > 2 ? fs::path(pos[2]) : src / "tests" / "conversations";

  advisor::load_report report;
  // The text cache off: the engine's whole work per reply (the mix has
  // 3,586 texts; a server's cache is for texts seen again).
  auto base = advisor::brain::load(rules_dir, knowledge_dir, report, {.text_cache = 0});
  if (!base) {
    std::cerr << report.to_string();
    return 1;
  }
  std::vector<std::vector<std::string>> convs;
  std::size_t turns = 0;
  for (const auto& f : advisor::testing::case_files(conv_dir))
    for (const auto& c : advisor::testing::read_cases(f)) {
      std::vector<std::string> t;
      for (const auto& e : c.turns) t.push_back(e.text);
      turns += t.size();
      convs.push_back(std::move(t));
    }
  if (convs.empty()) {
    std::cerr << "no conversations in " << conv_dir << "\n";
    return 1;
  }
  std::vector<std::string> topical;
  for (const auto& n : base->intent_names()) topical.push_back(n);

  const fs::path big_dir = grow_rules(rules_dir, base->rule_count(), 10, topical);
  advisor::load_report big_report;
  auto big = advisor::brain::load(big_dir, knowledge_dir, big_report, {.text_cache = 0});
  fs::remove_all(big_dir);
  if (!big) {
    std::cerr << big_report.to_string();
    return 1;
  }

  std::cout << "mix: " << convs.size() << " conversations, " << turns << " turns; " << seconds
            << " s per measurement, one thread\n";
  // Interleave base and big runs (A B A B) and keep the better of each, so
  // drift in machine speed affects both alike.
  figures b1 = measure(*base, convs, seconds / 2), g1 = measure(*big, convs, seconds / 2);
  figures b2 = measure(*base, convs, seconds / 2), g2 = measure(*big, convs, seconds / 2);
  auto best = [](figures a, figures b) { return a.median_us <= b.median_us ? a : b; };
  const figures fb = best(b1, b2), fg = best(g1, g2);
  std::printf("%-28s %8zu rules  %10.0f replies/s  median %6.2f us  p99 %6.2f us\n", "shipped rules",
              base->rule_count(), fb.replies_per_second, fb.median_us, fb.p99_us);
  std::printf("%-28s %8zu rules  %10.0f replies/s  median %6.2f us  p99 %6.2f us\n", "10x rules (generated)",
              big->rule_count(), fg.replies_per_second, fg.median_us, fg.p99_us);
  std::printf("slowdown with 10x rules: median %.2fx, throughput %.2fx\n", fg.median_us / fb.median_us,
              fb.replies_per_second / fg.replies_per_second);
  return 0;
}
