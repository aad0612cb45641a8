// Instruction count per reply through the engine alone, for the callgrind
// gate (tests/bench/callgrind_gate.sh). Built, never run as a test:
//   engine_instructions RULES_DIR KNOWLEDGE_DIR SCRIPT [--repeat N]
// SCRIPT holds one conversation per paragraph (turns one a line, a blank
// line starts a new conversation). The script is answered once to warm the
// engine (re2 builds its DFA states lazily), then the statistics are zeroed
// and the script is answered N more times (default 3); the counts are dumped
// as "measured". Outside valgrind the client requests do nothing. The text
// cache (engine_options::text_cache) is off: every repeat is the whole
// engine's work, as for a text never seen (the server gate runs with it on).
#include <valgrind/callgrind.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bot/engine/brain.hpp"

namespace {

std::vector<std::vector<std::string>> read_script(const char* path) {
  std::vector<std::vector<std::string>> convs(1);
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      if (!convs.back().empty()) convs.emplace_back();
    } else {
      convs.back().push_back(line);
    }
  }
  if (convs.back().empty()) convs.pop_back();
  return convs;
}

std::size_t answer_all(const advisor::brain& b, const std::vector<std::vector<std::string>>& convs) {
  std::size_t replies = 0;
  for (const auto& turns : convs) {
    advisor::conversation ctx;
    for (const auto& text : turns) {
      advisor::reply r = b.answer(text, ctx);
      replies += r.text.empty() ? 0 : 1;
    }
  }
  return replies;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: engine_instructions RULES_DIR KNOWLEDGE_DIR SCRIPT [--repeat N]\n";
    return 2;
  }
  int repeat = 3;
  if (argc == 6 && std::strcmp(argv[4], "--repeat") == 0) repeat = std::atoi(argv[5]);
  advisor::load_report report;
  auto b = advisor::brain::load(argv[1], argv[2], report, {.text_cache = 0});
  if (!b) {
    std::cerr << report.to_string();
    return 1;
  }
  const auto convs = read_script(argv[3]);
  if (convs.empty()) {
    std::cerr << "engine_instructions: no turns in " << argv[3] << "\n";
    return 1;
  }
  answer_all(*b, convs);  // warm-up
  CALLGRIND_ZERO_STATS;
  std::size_t replies = 0;
  for (int i = 0; i < repeat; ++i) replies += answer_all(*b, convs);
  CALLGRIND_DUMP_STATS_AT("measured");
  std::cout << "replies " << replies << "\n";
  return 0;
}
