// Evaluates the advisor on conversation files and prints every miss:
//   converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... [--quiet]
//   converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... --dump  (also every reply, one a line)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --explain TEXT...   (normalised text, intent, rule)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --corrected WORDS_FILE  (words spelling would change)
//   converse_eval RULES_DIR KNOWLEDGE_DIR --fit-calibration [--features A,B,..] [--l2 X] [--ablation]
//                 FILE... [--rules OLDER_RULES_DIR FILE...]...
//       fits the confidence calibration (a logistic model over how each answer
//       was reached; files after --rules DIR are answered with those rules)
//       and prints it as rules JSON, with its in-sample and leave-one-file-out
//       figures and the fallback threshold the same data support
// The summary ends with a reliability table: accuracy per confidence band,
// the wrong replies at confidence >= 0.5 and the clarifying replies.
// Exit status 0 always (it measures; the Catch2 suite asserts).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "bot/engine/calibration.hpp"
#include "bot/engine/text_normalizer.hpp"
#include "tests/conversation_cases.hpp"
#include "tests/tools/logistic_fit.hpp"

namespace advisor { extern thread_local std::string cov_debug; }
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
    auto files =
        std::filesystem::is_directory(p) ? advisor::testing::case_files(p) : std::vector<std::filesystem::path>{p};
    for (const auto& f : files) {
      auto c = advisor::testing::read_cases(f);
      cases.insert(cases.end(), c.begin(), c.end());
    }
  }
  return cases;
}

// One reply the calibration is fitted on: how it was reached, and whether
// it was right.
struct observation {
  std::vector<double> x;  // confidence_features, in feature order
  bool right = false;
  bool want_fallback = false;
  std::string group;  // the file it came from
  std::string what;   // turn, text and reply, for --dump
};

// The answers (not fallbacks) of cases answered by the rules in rules_dir,
// without their calibration (the features do not depend on it).
bool observe(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge,
             const std::vector<advisor::testing::conversation_case>& cases, std::vector<observation>& out) {
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() / ("converse-eval-fit-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (const auto& e : fs::directory_iterator(rules_dir))
    if (e.path().extension() == ".json" && e.path().filename() != "calibration.json")
      fs::copy_file(e.path(), tmp / e.path().filename());
  advisor::load_report report;
  auto b = advisor::brain::load(tmp, knowledge, report);
  fs::remove_all(tmp);
  if (!b) {
    std::cerr << rules_dir.string() << ": " << report.to_string();
    return false;
  }
  for (const auto& c : cases) {
    advisor::conversation ctx;
    for (const auto& t : c.turns) {
      advisor::confidence_features f;
      const advisor::reply r = b->answer(t.text, ctx, {.features = &f});
      if (r.intent == "fallback") continue;
      const auto names = r.roles.names();
      const std::set<std::string> roles(names.begin(), names.end());
      out.push_back({std::vector<double>(f.x.begin(), f.x.end()), r.intent == t.intent && roles == t.roles,
                     t.intent == "fallback", c.file,
                     c.id + " \"" + t.text.substr(0, 70) + "\" want " + t.intent + " got " + r.intent + " " + r.rule + " {" + advisor::cov_debug + "}"});
    }
  }
  return true;
}

std::string column_name(std::size_t j) {
  return std::string(advisor::feature_name(static_cast<advisor::confidence_feature>(j)));
}

struct fit_summary {
  std::size_t n = 0, wrong = 0, wrong_sure = 0, right_unsure = 0;
  double log_loss = 0.0;
};

fit_summary summarise(const std::vector<const observation*>& data, const advisor::tools::logistic_fit& fit) {
  fit_summary s;
  for (const auto* o : data) {
    const double p = std::clamp(advisor::tools::predict(fit, o->x), 1e-6, 1.0 - 1e-6);
    ++s.n;
    s.wrong += !o->right;
    s.wrong_sure += !o->right && p >= 0.5;
    s.right_unsure += o->right && p < 0.5;
    s.log_loss -= std::log(o->right ? p : 1.0 - p);
  }
  return s;
}

// Leave one file out: each file predicted by a model fitted on the others.
fit_summary cross_validate(const std::vector<observation>& data, const std::vector<bool>& use,
                           const advisor::tools::logistic_fit_options& o,
                           std::vector<std::pair<std::string, fit_summary>>* per_file = nullptr) {
  std::set<std::string> groups;
  for (const auto& d : data) groups.insert(d.group);
  fit_summary total;
  for (const auto& g : groups) {
    std::vector<std::vector<double>> x;
    std::vector<bool> y;
    std::vector<const observation*> held;
    for (const auto& d : data)
      if (d.group == g) {
        held.push_back(&d);
      } else {
        x.push_back(d.x);
        y.push_back(d.right);
      }
    const auto s = summarise(held, advisor::tools::fit_logistic(x, y, use, o));
    if (per_file) per_file->emplace_back(g, s);
    total.n += s.n, total.wrong += s.wrong, total.wrong_sure += s.wrong_sure, total.right_unsure += s.right_unsure;
    total.log_loss += s.log_loss;
  }
  return total;
}

std::string describe(const fit_summary& s) {
  char line[160];
  std::snprintf(line, sizeof line,
                "log loss %.3f/answer, wrong at >= 0.5: %zu of %zu answers (%zu wrong), right below 0.5: %zu",
                s.n ? s.log_loss / static_cast<double>(s.n) : 0.0, s.wrong_sure, s.n, s.wrong, s.right_unsure);
  return line;
}

// --fit-calibration [--features A,B,...] [--l2 X] [--ablation] FILE... [--rules DIR FILE...]...
// Files before any --rules are answered with RULES_DIR; a --rules DIR
// answers the files after it with that (older) rules directory. Prints the
// rules' "calibration" section: a logistic model over the features.
int fit_calibration(int argc, char** argv) {
  namespace fs = std::filesystem;
  using advisor::confidence_feature;
  const fs::path knowledge = argv[2];
  std::string command = "build/tests/converse_eval";
  for (int i = 1; i < argc; ++i) command.append(" ").append(argv[i]);
  std::vector<bool> use(advisor::confidence_feature_count, true);
  advisor::tools::logistic_fit_options options;
  bool ablation = false, dump = false;
  fs::path rules_dir = argv[1];
  std::vector<std::pair<fs::path, std::vector<std::string>>> groups{{rules_dir, {}}};
  for (int i = 4; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      groups.push_back({argv[++i], {}});
    } else if (a == "--l2" && i + 1 < argc) {
      options.l2 = std::atof(argv[++i]);
    } else if (a == "--ablation") {
      ablation = true;
    } else if (a == "--dump") {  // every answer with its features and fitted confidence (stderr)
      dump = true;
    } else if (a == "--features" && i + 1 < argc) {
      use.assign(use.size(), false);
      std::stringstream list(argv[++i]);
      for (std::string name; std::getline(list, name, ',');) {
        const auto f = advisor::feature_of(name);
        if (!f) {
          std::cerr << "unknown feature '" << name << "'\n";
          return 2;
        }
        use[static_cast<std::size_t>(*f)] = true;
      }
    } else {
      groups.back().second.push_back(a);
    }
  }
  std::vector<observation> data;
  std::vector<std::string> sources;
  for (const auto& [dir, files] : groups) {
    if (files.empty()) continue;
    std::vector<advisor::testing::conversation_case> cases;
    for (const auto& f : files) {
      const fs::path p(f);
      for (const auto& file : fs::is_directory(p) ? advisor::testing::case_files(p) : std::vector<fs::path>{p}) {
        auto c = advisor::testing::read_cases(file);
        cases.insert(cases.end(), c.begin(), c.end());
      }
    }
    const std::size_t before = data.size();
    if (!observe(dir, knowledge, cases, data)) return 1;
    std::string files_list;
    for (const auto& f : files) files_list += " " + fs::path(f).filename().string();
    sources.push_back(files_list.substr(1) + " with " + dir.string() + ": " + std::to_string(data.size() - before) +
                      " answers");
  }
  std::vector<std::vector<double>> x;
  std::vector<bool> y;
  std::vector<const observation*> all;
  for (const auto& d : data) x.push_back(d.x), y.push_back(d.right), all.push_back(&d);
  const auto fit = advisor::tools::fit_logistic(x, y, use, options);
  std::vector<bool> score_only(use.size(), false);
  // The fallback threshold the data support, over the rules' answers (the
  // advice step's have no score): answers below it would be right only
  // where a fallback was wanted.
  const std::size_t score = static_cast<std::size_t>(confidence_feature::score);
  double best_t = 0.0;
  long best_right = -1, scored = 0;
  for (const auto& cand : data) {
    if (cand.x[score] <= 0.0) continue;
    long right = 0;
    scored = 0;
    for (const auto& o : data)
      if (o.x[score] > 0.0) ++scored, right += o.x[score] >= cand.x[score] ? o.right : o.want_fallback;
    if (right > best_right) best_right = right, best_t = cand.x[score];
  }
  if (dump)
    for (const auto& d : data) {
      std::fprintf(stderr, "%s %.2f %s |", d.right ? "right" : "WRONG", advisor::tools::predict(fit, d.x),
                   d.what.c_str());
      for (std::size_t j = 0; j < d.x.size(); ++j)
        if (d.x[j] != 0.0) std::fprintf(stderr, " %s=%.2f", column_name(j).c_str(), d.x[j]);
      std::fprintf(stderr, "\n");
    }
  if (ablation) {  // which features earn their place: cross-validated without each
    std::cerr << "all features: " << describe(cross_validate(data, use, options)) << "\n";
    for (std::size_t j = 0; j < use.size(); ++j) {
      if (!use[j]) continue;
      auto without = use;
      without[j] = false;
      std::cerr << "without " << column_name(j) << ": " << describe(cross_validate(data, without, options)) << "\n";
    }
  }
  std::printf(
      "// The confidence calibration (see README.md, \"Confidence\"): a logistic model of\n"
      "// P(reply right) over how the answer was reached, fitted on answers the rules were\n"
      "// not tuned for. Written by:\n//   %s\n"
      "// Files after --rules DIR are answered with DIR: the rules that set was measured\n"
      "// with before any tuning for it (tests/eval/README.md), exported from git with\n"
      "//   mkdir -p DIR && git archive COMMIT rules | tar -x -C DIR\n"
      "// Data:\n",
      command.c_str());
  for (const auto& s : sources) std::printf("//   %s\n", s.c_str());
  std::string features;
  for (std::size_t j = 0; j < use.size(); ++j)
    if (use[j]) features += (features.empty() ? "" : ", ") + column_name(j);
  std::printf("// Features: %s; L2 penalty %g on the standardised weights.\n", features.c_str(), options.l2);
  std::printf("// In sample: %s\n", describe(summarise(all, fit)).c_str());
  std::vector<std::pair<std::string, fit_summary>> per_file;
  std::printf("// Each file predicted by a fit on the others: %s\n",
              describe(cross_validate(data, use, options, &per_file)).c_str());
  for (const auto& [file, s] : per_file) std::printf("//   %s: %s\n", file.c_str(), describe(s).c_str());
  std::printf("//   (the same with the winning score alone: %s)\n",
              describe(cross_validate(data, score_only, options)).c_str());
  std::printf(
      "// The fallback threshold these data support: %.2f (rules' answers right, or right to fall back: %ld of %ld).\n",
      best_t, best_right, scored);
  std::printf("{\n  \"calibration\": {\n    \"logistic\": {\n      \"intercept\": %.4f,\n      \"weights\": {",
              fit.intercept);
  bool first = true;
  for (std::size_t j = 0; j < fit.weights.size(); ++j) {
    if (fit.weights[j] == 0.0) continue;
    std::printf("%s\n        \"%s\": %.4f", first ? "" : ",", column_name(j).c_str(), fit.weights[j]);
    first = false;
  }
  std::printf("\n      }\n    }\n  }\n}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: converse_eval RULES_DIR KNOWLEDGE_DIR FILE_OR_DIR... [--quiet]\n";
    return 2;
  }
  // Before loading RULES_DIR: the fit ignores its calibration.json, which
  // may be the file the output is being written to.
  if (std::strcmp(argv[3], "--fit-calibration") == 0) return fit_calibration(argc, argv);
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
      std::cout << '"' << argv[i] << "\" -> \"" << b->explain(argv[i]) << "\" -> " << r.intent << " " << r.rule << " "
                << r.confidence << (r.clarify ? " clarify" : "") << "\n";
      const auto& w = *r.why;
      if (!w.file.empty())
        std::cout << "   rule at " << w.file << ":" << w.line << " matched \"" << w.matched << "\"\n";
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
      std::cout << r.conv->file << ":" << r.conv->id << "#" << r.turn << "  \"" << e.text << "\"\n   want " << e.intent
                << " [" << roles << "] got " << r.got.intent << " [" << got_roles << "] conf " << r.got.confidence
                << " rule " << r.got.rule << "\n";
    }
  }
  std::cout << "turns " << results.size() << "  correct " << ok << " ("
            << (results.empty() ? 0.0 : 100.0 * ok / results.size()) << "%)  intent-only "
            << (results.empty() ? 0.0 : 100.0 * intent_ok / results.size()) << "%\n";
  for (const auto& [t, v] : by_tag) std::cout << "  " << t << ": " << v.first << "/" << v.second << "\n";
  // Reliability: is a reply at confidence c right about c of the time?
  const double edges[] = {0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01};
  std::size_t wrong_sure = 0, clarify = 0;
  std::cout << "reliability (confidence band: replies, right)\n";
  for (std::size_t band = 0; band + 1 < std::size(edges); ++band) {
    std::size_t n = 0, right = 0;
    for (const auto& r : results)
      if (r.got.confidence >= edges[band] && r.got.confidence < edges[band + 1])
        ++n, right += r.intent_ok && r.roles_ok;
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
        std::cout << "FIT " << r.conv->file << ":" << r.conv->id << "#" << r.turn << "  \"" << e.text
                  << "\"\n   want fit " << e.fit << " got " << got << " (intent " << r.got.intent << ")\n";
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
