#include "bot/engine/load_report.hpp"

namespace advisor {

std::string load_problem::to_string() const {
  std::string out = file;
  if (line > 0) out.append(":").append(std::to_string(line));
  out += ": ";
  if (!id.empty()) out.append("'").append(id).append("': ");
  out += message;
  return out;
}

std::string load_report::to_string() const {
  std::string out;
  for (const auto& p : problems_) {
    out += p.to_string();
    out += '\n';
  }
  return out;
}

}  // namespace advisor
