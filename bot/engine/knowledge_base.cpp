#include "bot/engine/knowledge_base.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "bot/engine/json_file.hpp"

namespace advisor {
namespace json = boost::json;
namespace {


struct reader {
  const json_file& file;
  load_report& report;

  void problem(const std::string& id, const std::string& msg) {
    report.add(file.path, file.line_of(id), id, msg);
  }
  std::string str(const json::object& o, const char* key, const std::string& id, bool required = true) {
    auto* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    if (v || required) problem(id, std::string("'") + key + "' must be a string");
    return {};
  }
  std::vector<std::string> strs(const json::object& o, const char* key, const std::string& id,
                                bool required = true) {
    std::vector<std::string> out;
    auto* v = o.if_contains(key);
    if (!v) {
      if (required) problem(id, std::string("'") + key + "' is missing");
      return out;
    }
    if (!v->is_array()) {
      problem(id, std::string("'") + key + "' must be an array of strings");
      return out;
    }
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
      else problem(id, std::string("'") + key + "' must contain only strings");
    }
    return out;
  }
};

}  // namespace

std::optional<knowledge_base> knowledge_base::load(const std::filesystem::path& dir, load_report& report) {
  const auto file_path = dir / "knowledge.json";
  auto file = read_json_file(file_path, report);
  if (!file) return std::nullopt;
  if (!file->value.is_object()) {
    report.add(file->path, 1, "", "the top level must be a JSON object");
    return std::nullopt;
  }
  const std::size_t problems_before = report.problems().size();
  reader rd{*file, report};
  const json::object& top = file->value.get_object();
  knowledge_base kb;
  kb.path_ = file->path;
  kb.source_text_ = file->text;

  // The article, for checking evidence.
  std::string article;
  const std::string article_rel = rd.str(top, "article", "article");
  if (!article_rel.empty()) {
    std::ifstream in(dir / article_rel, std::ios::binary);
    if (!in) {
      rd.problem("article", "cannot open the article '" + (dir / article_rel).string() + "'");
    } else {
      std::ostringstream ss;
      ss << in.rdbuf();
      article = squeeze_white_space(ss.str());
    }
  }

  kb.sections_ = rd.strs(top, "sections", "sections");
  auto known_section = [&](const std::string& s) {
    return std::find(kb.sections_.begin(), kb.sections_.end(), s) != kb.sections_.end();
  };

  if (auto* rn = top.if_contains("role_names"); rn && rn->is_object()) {
    if (auto s = rd.str(rn->get_object(), "tpm", "role_names", false); !s.empty()) kb.tpm_name_ = s;
    if (auto s = rd.str(rn->get_object(), "pm", "role_names", false); !s.empty()) kb.pm_name_ = s;
  }

  if (auto* t = top.if_contains("table"); t && t->is_object()) {
    kb.columns_ = rd.strs(t->get_object(), "columns", "table");
    if (auto* rows = t->get_object().if_contains("rows"); rows && rows->is_array()) {
      for (const auto& r : rows->get_array()) {
        if (!r.is_object()) {
          rd.problem("table", "each row must be an object");
          continue;
        }
        comparison_row row{rd.str(r.get_object(), "aspect", "table"), rd.str(r.get_object(), "tpm", "table"),
                           rd.str(r.get_object(), "pm", "table")};
        for (const auto* cell : {&row.aspect, &row.tpm, &row.pm})
          if (!article.empty() && article.find(squeeze_white_space(*cell)) == std::string::npos)
            rd.problem(row.aspect, "table cell '" + *cell + "' is not in the article");
        kb.rows_.push_back(std::move(row));
      }
    } else {
      rd.problem("table", "'rows' must be an array");
    }
  } else {
    rd.problem("table", "'table' must be an object");
  }

  auto read_entry = [&](const json::object& o, const char* key, const std::string& id)
      -> std::optional<knowledge_entry> {
    auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    const std::string eid = id + "." + key;
    if (!v->is_object()) {
      rd.problem(id, std::string("'") + key + "' must be an object");
      return std::nullopt;
    }
    knowledge_entry e;
    e.text = rd.str(v->get_object(), "text", id);
    if (e.text.empty()) rd.problem(id, eid + ": 'text' must not be empty");
    e.sources = rd.strs(v->get_object(), "sources", id);
    if (e.sources.empty()) rd.problem(id, eid + ": needs at least one source");
    for (const auto& s : e.sources)
      if (!known_section(s)) rd.problem(id, eid + ": unknown section '" + s + "'");
    e.evidence = rd.strs(v->get_object(), "evidence", id);
    if (e.evidence.empty()) rd.problem(id, eid + ": needs at least one evidence excerpt");
    for (const auto& ev : e.evidence)
      if (!article.empty() && article.find(squeeze_white_space(ev)) == std::string::npos)
        rd.problem(id, eid + ": evidence is not verbatim in the article: '" + ev + "'");
    return e;
  };

  if (auto* topics = top.if_contains("topics"); topics && topics->is_object()) {
    for (const auto& [k, v] : topics->get_object()) {
      const std::string id(k);
      if (!v.is_object()) {
        rd.problem(id, "a topic must be an object");
        continue;
      }
      const auto& o = v.get_object();
      knowledge_topic t;
      t.title = rd.str(o, "title", id);
      t.table_rows = rd.strs(o, "table_rows", id, false);
      t.tpm = read_entry(o, "tpm", id);
      t.pm = read_entry(o, "pm", id);
      t.both = read_entry(o, "both", id);
      t.suggestions = rd.strs(o, "suggestions", id, false);
      kb.topics_.emplace(id, std::move(t));
    }
  } else {
    rd.problem("topics", "'topics' must be an object");
  }

  if (auto* metas = top.if_contains("meta"); metas && metas->is_object()) {
    for (const auto& [k, v] : metas->get_object()) {
      const std::string id(k);
      if (!v.is_object()) {
        rd.problem(id, "a meta answer must be an object");
        continue;
      }
      meta_answer m{rd.str(v.get_object(), "text", id), rd.strs(v.get_object(), "suggestions", id, false)};
      if (m.text.empty()) rd.problem(id, "'text' must not be empty");
      kb.metas_.emplace(id, std::move(m));
    }
  } else {
    rd.problem("meta", "'meta' must be an object");
  }

  for (const auto& [name, t] : kb.topics_)
    for (const auto& aspect : t.table_rows)
      if (!kb.row(aspect)) rd.problem(name, "unknown table row '" + aspect + "'");

  if (report.problems().size() != problems_before) return std::nullopt;
  return kb;
}

const knowledge_topic* knowledge_base::topic(const std::string& intent) const {
  auto it = topics_.find(intent);
  return it == topics_.end() ? nullptr : &it->second;
}

const meta_answer* knowledge_base::meta(const std::string& name) const {
  auto it = metas_.find(name);
  return it == metas_.end() ? nullptr : &it->second;
}

const comparison_row* knowledge_base::row(const std::string& aspect) const {
  for (const auto& r : rows_)
    if (r.aspect == aspect) return &r;
  return nullptr;
}

std::string squeeze_white_space(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    const bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace advisor
