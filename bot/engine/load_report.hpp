#pragma once
// A load_report collects every problem found while loading rules and
// knowledge, so `advisor --check` can print all of them at once.

#include <string>
#include <vector>

namespace advisor {

struct load_problem {
  std::string file;     // path of the file, as given
  int line = 0;         // 1-based line, 0 when unknown
  std::string id;       // rule, concept or knowledge entry id; may be empty
  std::string message;  // what is wrong

  // "rules/intents.json:12: rule 'skills.core': unknown intent 'skils'"
  std::string to_string() const;
};

class load_report {
 public:
  void add(std::string file, int line, std::string id, std::string message) {
    problems_.push_back({std::move(file), line, std::move(id), std::move(message)});
  }
  bool ok() const { return problems_.empty(); }
  const std::vector<load_problem>& problems() const { return problems_; }
  // One problem per line.
  std::string to_string() const;

 private:
  std::vector<load_problem> problems_;
};

}  // namespace advisor
