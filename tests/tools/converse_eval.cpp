// Evaluates the advisor on conversation files and prints every miss:
//   converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... [--quiet]
//   converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... --dump  (also every reply, one a line)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --explain TEXT...   (normalised text, intent, rule)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --corrected WORDS_FILE  (words spelling would change)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --fit-calibration FILE_OR_DIR...
//       fits the confidence calibration (isotonic, on the raw scores of the
//       rules without calibration.json) and prints it as rules JSON, with the
//       fallback threshold the same data supports
// The summary ends with a reliability table: accuracy per confidence band,
// the wrong replies at confidence >= 0.5 and the clarifying replies.
// Exit status 0 always (it measures; the Catch2 suite asserts).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "bot/engine/text_normalizer.hpp"
#include "tests/conversation_cases.hpp"

namespace {

std::vector<advisor::testing::conversation_case> read_all(int first, int argc, char** argv, bool* quiet, bool* dump) {
  std::vector<advisor::testing::conversation_case> cases;
  for (int i = first; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quiet") == 0) {
      if (quiet) *quiet = true;
      continue;
    }
    if (std::strcmp(argv[i], "--dump") == 0) {  // every turn's reply, one a line (to diff two builds)
      if (dump) *dump = true;
      continue;
    }
    std::filesystem::path p(argv[i]);
    auto files = std::filesystem::is_directory(p) ? advisor::testing::case_files(p) : std::vector<std::filesystem::path>{p};
    for (const auto& f : files) {
      auto c = advisor::testing::read_cases(f);
      cases.insert(cases.end(), c.begin(), c.end());
    }
  }
  return cases;
}

// Pool-adjacent-violators: the isotonic fit of correctness on raw score,
// printed as the rules' "calibration" section.
int fit_calibration(const std::filesystem::path& rules, const std::filesystem::path& knowledge,
                    const std::vector<advisor::testing::conversation_case>& cases) {
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() / ("converse-eval-fit-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (const auto& e : fs::directory_iterator(rules))
    if (e.path().extension() == ".json" && e.path().filename() != "calibration.json")
      fs::copy_file(e.path(), tmp / e.path().filename());
  advisor::load_report report;
  auto b = advisor::brain::load(tmp, knowledge, report);
  fs::remove_all(tmp);
  if (!b) {
    std::cerr << report.to_string();
    return 1;
  }
  struct obs {
    double raw;
    bool right;
    bool want_fallback;
  };
  std::vector<obs> data;
  for (const auto& r : advisor::testing::run_cases(*b, cases))
    if (r.got.intent != "fallback")
      data.push_back({r.got.confidence, r.intent_ok && r.roles_ok, r.conv->turns[r.turn].intent == "fallback"});
  std::sort(data.begin(), data.end(), [](const obs& a, const obs& c) { return a.raw < c.raw; });
  struct block {
    double lo, hi, right, n;
  };
  std::vector<block> blocks;
  for (std::size_t i = 0; i < data.size();) {
    block bl{data[i].raw, data[i].raw, 0, 0};
    for (; i < data.size() && data[i].raw == bl.lo; ++i) bl.right += data[i].right, bl.n += 1;
    blocks.push_back(bl);
    while (blocks.size() > 1) {
      block& a = blocks[blocks.size() - 2];
      const block& c = blocks.back();
      if (a.right / a.n <= c.right / c.n) break;
      a = {a.lo, c.hi, a.right + c.right, a.n + c.n};
      blocks.pop_back();
    }
  }
  // The fallback threshold the data supports: answers below it would be
  // right only where a fallback was wanted.
  double best_t = 0.0;
  long best_right = -1;
  for (const auto& cand : data) {
    long right = 0;
    for (const auto& o : data) right += o.raw >= cand.raw ? o.right : o.want_fallback;
    if (right > best_right) best_right = right, best_t = cand.raw;
  }
  std::printf("// Written by: converse_eval rules knowledge --fit-calibration FILES (%zu answers).\n", data.size());
  std::printf("// The fallback threshold these data support: %.2f (answers kept right: %ld of %zu).\n", best_t,
              best_right, data.size());
  std::printf("{\n  \"calibration\": {\n    \"answer\": [");
  bool first = true;
  double last_p = 0.0;
  for (const auto& bl : blocks) {
    double p = std::round((bl.right + 1) / (bl.n + 2) * 1000.0) / 1000.0;  // Laplace: never 0 or 1
    p = std::max(p, last_p);
    last_p = p;
    std::printf("%s[%.3f, %.3f]", first ? "" : ", ", bl.lo, p);
    if (bl.hi != bl.lo) std::printf(", [%.3f, %.3f]", bl.hi, p);
    first = false;
  }
  std::printf("]\n  }\n}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... [--quiet]\n";
    return 2;
  }
  advisor::load_report report;
  auto b = advisor::brain::load(argv[1], argv[2], report);
  if (!b) {
    std::cerr << report.to_string();
    return 1;
  }
  if (std::strcmp(argv[3], "--explain") == 0) {
    for (int i = 4; i < argc; ++i) {
      advisor::conversation c;
      auto r = b->answer(argv[i], c, {.explain = true});
      std::cout << '"' << argv[i] << "\" -> \"" << b->explain(argv[i]) << "\" -> " << r.intent << " " << r.rule
                << " " << r.confidence << (r.clarify ? " clarify" : "") << "\n";
      const auto& w = *r.why;
      if (!w.file.empty()) std::cout << "   rule at " << w.file << ":" << w.line << " matched \"" << w.matched << "\"\n";
      for (const auto& x : w.corrections) std::cout << "   corrected " << x.from << " -> " << x.to << "\n";
      for (const auto& x : w.runner_up)
        std::cout << "   lost: " << x.intent << " " << x.score << " " << x.rule << " (" << x.lost << ")\n";
      if (r.advice) {
        std::cout << "   advice fit " << r.advice->fit << "\n";
        for (const auto& x : r.advice->reasons)
          std::cout << "     \"" << x.said << "\" -> " << x.points_to << " (" << x.section << ")\n";
      }
    }
    return 0;
  }
  if (std::strcmp(argv[3], "--corrected") == 0 && argc == 5) {
    // Prints each word of WORDS_FILE (one a line) that the normaliser turns
    // into another word by spelling correction: the candidates for
    // lexicon.known_words (see rules/README.md).
    std::ifstream in(argv[4]);
    std::string w;
    while (std::getline(in, w)) {
      const std::string canon = advisor::text_normalizer::canonical_word(w);
      const std::string got = b->explain(w);
      if (got != " " + canon + " " && got.find(' ', 1) == got.size() - 1) std::cout << w << '\n';
    }
    return 0;
  }
  if (std::strcmp(argv[3], "--fit-calibration") == 0)
    return fit_calibration(argv[1], argv[2], read_all(4, argc, argv, nullptr, nullptr));
  bool quiet = false, dump = false;
  const auto cases = read_all(3, argc, argv, &quiet, &dump);
  auto results = advisor::testing::run_cases(*b, cases);
  std::size_t ok = 0, intent_ok = 0;
  std::map<std::string, std::pair<int, int>> by_tag;
  for (const auto& r : results) {
    const bool good = r.intent_ok && r.roles_ok;
    if (dump) {
      std::cout << r.conv->file << ":" << r.conv->id << "#" << r.turn << " " << r.got.intent;
      for (const auto& x : r.got.roles.names()) std::cout << " " << x;
      std::cout << " " << r.got.confidence << " " << r.got.rule << " |";
      for (const auto& s : r.got.suggestions) std::cout << " " << s << " |";
      std::cout << "\n";
    }
    ok += good;
    intent_ok += r.intent_ok;
    for (const auto& t : r.conv->tags) {
      by_tag[t].second++;
      by_tag[t].first += good;
    }
    if (!good && !quiet) {
      const auto& e = r.conv->turns[r.turn];
      std::string roles;
      for (const auto& x : e.roles) roles += x + " ";
      std::string got_roles;
      for (const auto& x : r.got.roles.names()) got_roles += x + " ";
      std::cout << r.conv->file << ":" << r.conv->id << "#" << r.turn << "  \"" << e.text << "\"\n   want "
                << e.intent << " [" << roles << "] got " << r.got.intent << " [" << got_roles << "] conf "
                << r.got.confidence << " rule " << r.got.rule << "\n";
    }
  }
  std::cout << "turns " << results.size() << "  correct " << ok << " ("
            << (results.empty() ? 0.0 : 100.0 * ok / results.size()) << "%)  intent-only "
            << (results.empty() ? 0.0 : 100.0 * intent_ok / results.size()) << "%\n";
  for (const auto& [t, v] : by_tag)
    std::cout << "  " << t << ": " << v.first << "/" << v.second << "\n";
  // Reliability: is a reply at confidence c right about c of the time?
  const double edges[] = {0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01};
  std::size_t wrong_sure = 0, clarify = 0;
  std::cout << "reliability (confidence band: replies, right)\n";
  for (std::size_t band = 0; band + 1 < std::size(edges); ++band) {
    std::size_t n = 0, right = 0;
    for (const auto& r : results)
      if (r.got.confidence >= edges[band] && r.got.confidence < edges[band + 1]) ++n, right += r.intent_ok && r.roles_ok;
    char line[128];
    std::snprintf(line, sizeof line, "  [%.1f, %.1f%s  %5zu  %6.1f%%\n", edges[band], std::min(edges[band + 1], 1.0),
                  band + 2 == std::size(edges) ? "]" : ")", n, n ? 100.0 * right / n : 0.0);
    std::cout << line;
  }
  for (const auto& r : results) {
    wrong_sure += r.got.confidence >= 0.5 && !(r.intent_ok && r.roles_ok);
    clarify += r.got.clarify;
  }
  std::cout << "wrong at confidence >= 0.5: " << wrong_sure << " of " << results.size() << "\n"
            << "clarifying replies: " << clarify << " of " << results.size() << "\n";


  // Advice fit (protocol 1.1 `advice`): on turns labelled with a `fit`, the
  // reply's advice.fit must equal it; on choosing_role turns without one,
  // there must be no advice (the advisor should ask, not advise).
  std::size_t fit_n = 0, fit_ok = 0, unlabelled_n = 0, unlabelled_ok = 0;
  for (const auto& r : results) {
    const auto& e = r.conv->turns[r.turn];
    const std::string got = r.got.advice ? r.got.advice->fit : std::string("(none)");
    if (!e.fit.empty()) {
      ++fit_n;
      const bool good = got == e.fit;
      fit_ok += good;
      if (!good && !quiet)
        std::cout << "FIT " << r.conv->file << ":" << r.conv->id << "#" << r.turn << "  \"" << e.text << "\"\n   want fit "
                  << e.fit << " got " << got << " (intent " << r.got.intent << ")\n";
    } else if (e.intent == "choosing_role") {
      ++unlabelled_n;
      unlabelled_ok += !r.got.advice;
    }
  }
  if (fit_n > 0)
    std::cout << "fit turns " << fit_n << "  correct " << fit_ok << " (" << 100.0 * fit_ok / fit_n
              << "%)  choosing_role turns without a fit label and without advice " << unlabelled_ok << "/"
              << unlabelled_n << "\n";
  return 0;
}
