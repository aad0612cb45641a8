// Evaluates the advisor on conversation files and prints every miss:
//   converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... [--quiet]
//   converse_eval RULES_DIR KNOWLEDGE_DIR --explain TEXT...   (normalised text, intent, rule)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --corrected WORDS_FILE  (words spelling would change)
// Exit status 0 always (it measures; the Catch2 suite asserts).
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "bot/engine/text_normalizer.hpp"
#include "tests/conversation_cases.hpp"

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
      auto r = b->answer(argv[i], c);
      std::cout << '"' << argv[i] << "\" -> \"" << b->explain(argv[i]) << "\" -> " << r.intent << " " << r.rule
                << " " << r.confidence << "\n";
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
  bool quiet = false;
  std::vector<advisor::testing::conversation_case> cases;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quiet") == 0) {
      quiet = true;
      continue;
    }
    std::filesystem::path p(argv[i]);
    auto files = std::filesystem::is_directory(p) ? advisor::testing::case_files(p) : std::vector{p};
    for (const auto& f : files) {
      auto c = advisor::testing::read_cases(f);
      cases.insert(cases.end(), c.begin(), c.end());
    }
  }
  auto results = advisor::testing::run_cases(*b, cases);
  std::size_t ok = 0, intent_ok = 0;
  std::map<std::string, std::pair<int, int>> by_tag;
  for (const auto& r : results) {
    const bool good = r.intent_ok && r.roles_ok;
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
