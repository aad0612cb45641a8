#pragma once
// A knowledge_base is what the article says, condensed per intent and role,
// with the section each statement comes from and the verbatim excerpts that
// back it (knowledge/knowledge.json; format in knowledge/README.md).
//
// Thread safety: immutable after load(); read from any thread.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/load_report.hpp"

namespace advisor {

// Collapses runs of white space into one space and drops leading and
// trailing white space, so article excerpts match across line wrapping
// (the knowledge base's and the traits' evidence checks).
std::string squeeze_white_space(std::string_view s);

struct knowledge_entry {
  std::string text;
  std::vector<std::string> sources;   // section headings
  std::vector<std::string> evidence;  // verbatim excerpts of the article
};

struct knowledge_topic {
  std::string title;
  std::vector<std::string> table_rows;  // aspects of the comparison table
  std::optional<knowledge_entry> tpm, pm, both;
  std::vector<std::string> suggestions;
};

struct meta_answer {
  std::string text;
  std::vector<std::string> suggestions;
};

struct comparison_row {
  std::string aspect, tpm, pm;
};

class knowledge_base {
 public:
  // Loads dir/knowledge.json and the article it names; adds every problem
  // (unknown section, evidence not found in the article, ...) to report.
  static std::optional<knowledge_base> load(const std::filesystem::path& dir, load_report& report);

  const knowledge_topic* topic(const std::string& intent) const;
  const meta_answer* meta(const std::string& name) const;
  const comparison_row* row(const std::string& aspect) const;

  const std::map<std::string, knowledge_topic>& topics() const { return topics_; }
  const std::map<std::string, meta_answer>& metas() const { return metas_; }
  const std::vector<std::string>& table_columns() const { return columns_; }
  const std::string& role_name(bool tpm) const { return tpm ? tpm_name_ : pm_name_; }
  // The raw file text (for the brain's version hash).
  const std::string& source_text() const { return source_text_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string source_text_;
  std::vector<std::string> sections_;
  std::vector<std::string> columns_;
  std::vector<comparison_row> rows_;
  std::map<std::string, knowledge_topic> topics_;
  std::map<std::string, meta_answer> metas_;
  std::string tpm_name_ = "Technical Program Manager";
  std::string pm_name_ = "Product Manager";
};

}  // namespace advisor
