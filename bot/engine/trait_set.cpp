#include "bot/engine/trait_set.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "bot/engine/json_file.hpp"
#include "bot/engine/knowledge_base.hpp"
#include "bot/engine/pattern_compiler.hpp"

namespace advisor {
namespace json = boost::json;

namespace {

std::unique_ptr<RE2> make_re(const std::string& regex, std::size_t max_mem) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(static_cast<std::int64_t>(max_mem));
  return std::make_unique<RE2>("(" + regex + ")", o);
}

// Every match of re in text from `from`: (start, end) pairs. A match ends
// with the space after its last word; the next search starts on that space.
void all_matches(const RE2& re, std::string_view text, std::vector<std::pair<std::size_t, std::size_t>>& out) {
  out.clear();
  std::size_t pos = 0;
  re2::StringPiece m;
  while (pos < text.size()) {
    re2::StringPiece in(text.data() + pos, text.size() - pos);
    if (!RE2::PartialMatch(in, re, &m)) break;
    const std::size_t s = static_cast<std::size_t>(m.data() - text.data());
    const std::size_t e = s + m.size();
    out.emplace_back(s, e);
    std::size_t next = e > 0 && text[e - 1] == ' ' ? e - 1 : e;
    pos = next > pos ? next : pos + 1;
  }
}

bool first_match(const RE2& re, std::string_view text, std::size_t& s, std::size_t& e) {
  re2::StringPiece m;
  if (!RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re, &m)) return false;
  s = static_cast<std::size_t>(m.data() - text.data());
  e = s + m.size();
  return true;
}

}  // namespace

struct trait_set::compiled {
  std::vector<std::vector<std::unique_ptr<RE2>>> trait_res;  // per trait
  std::unique_ptr<RE2::Set> any;  // every trait pattern
  // any's index of each trait's first pattern (a trait's patterns are added
  // one after the other); complete only when every pattern was added.
  std::vector<int> first_in_any;
  bool any_complete = true;
  std::size_t any_size = 0;  // patterns added to any
  std::unique_ptr<RE2> against_before, for_before, against_after, prefer_split, retract;
  std::unique_ptr<RE2> choice, more, example, summary, skip, first, second;
};

trait_set::trait_set() = default;
trait_set::~trait_set() = default;
trait_set::trait_set(trait_set&&) noexcept = default;
trait_set& trait_set::operator=(trait_set&&) noexcept = default;

int trait_set::find(std::string_view id) const {
  for (std::size_t i = 0; i < traits_.size(); ++i)
    if (traits_[i].id == id) return static_cast<int>(i);
  return -1;
}

void trait_set::load(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge_dir,
                     pattern_compiler& pc, std::size_t re2_max_mem, load_report& report) {
  const std::size_t single_mem = re2_max_mem / 4;  // each single expression
  const auto path = rules_dir / "traits.json";
  if (!std::filesystem::exists(path)) return;
  auto f = read_json_file(path, report);
  if (!f) return;
  auto problem = [&](const std::string& id, const std::string& msg) { report.add(f->path, f->line_of(id), id, msg); };
  if (!f->value.is_object()) {
    problem("", "the top level must be a JSON object");
    return;
  }
  const auto& top = f->value.get_object();

  // The article and its headings, as the knowledge base names them.
  std::string article, raw_article;
  std::vector<std::string> sections;
  {
    load_report quiet;
    if (auto k = read_json_file(knowledge_dir / "knowledge.json", quiet); k && k->value.is_object()) {
      const auto& ko = k->value.get_object();
      if (auto* a = ko.if_contains("article"); a && a->is_string()) {
        std::ifstream in(knowledge_dir / std::string(a->get_string()), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        raw_article = ss.str();
        article = squeeze_white_space(raw_article);
      }
      if (auto* s = ko.if_contains("sections"); s && s->is_array())
        for (const auto& e : s->get_array())
          if (e.is_string()) sections.emplace_back(e.get_string());
    }
    if (article.empty()) problem("", "traits: cannot read the article named by " + (knowledge_dir / "knowledge.json").string());
  }
  // Paragraphs by heading: lines after a heading until the next one; the
  // introduction is the long line(s) before the first heading.
  {
    std::istringstream in(raw_article);
    std::string line, current = "Introduction";
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const std::string l = squeeze_white_space(line);
      if (l.empty()) continue;
      if (std::find(sections.begin(), sections.end(), l) != sections.end()) {
        current = l;
        continue;
      }
      if (current == "Technical Program Manager vs Product Manager Infographic") break;
      if (current == "Introduction" && l.size() < 100) continue;
      if (current == "Table of Comparison") continue;
      auto it = std::find_if(paragraphs_.begin(), paragraphs_.end(), [&](const auto& p) { return p.first == current; });
      if (it == paragraphs_.end()) paragraphs_.emplace_back(current, l);
      else it->second += " " + l;
    }
  }

  auto strs = [&](const json::object& o, const char* k, const std::string& id) {
    return string_list(o, k, [&](const std::string& msg) { problem(id, msg); });
  };
  auto str = [](const json::object& o, const char* k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto compile_one = [&](const std::string& pattern, const std::string& id) -> std::string {
    std::string err;
    auto re = pc.compile(pattern, err);
    if (!re) {
      problem(id, "pattern '" + pattern + "': " + err);
      return {};
    }
    return *re;
  };
  // A list of patterns as one regex (alternatives).
  auto compile_list = [&](const std::vector<std::string>& patterns, const std::string& id) -> std::unique_ptr<RE2> {
    std::string all;
    for (const auto& p : patterns) {
      auto re = compile_one(p, id);
      if (re.empty()) continue;
      if (!all.empty()) all += "|";
      all += "(?:" + re + ")";
    }
    if (all.empty()) all = "\\x01\\x02never";  // matches nothing
    auto re = make_re(all, single_mem);
    if (!re->ok()) problem(id, "cannot compile: " + re->error());
    return re;
  };
  for (const auto& [key, v] : top)
    if (key != "traits" && key != "polarity" && key != "choice" && key != "questionnaire" && key != "depth")
      problem(std::string(key), "unknown top-level key '" + std::string(key) + "' in traits.json");

  auto c = std::make_unique<compiled>();
  RE2::Options so;
  so.set_log_errors(false);
  so.set_max_mem(static_cast<std::int64_t>(re2_max_mem));
  c->any = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  if (auto* v = top.if_contains("traits"); v && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (!e.is_object()) {
        problem("traits", "each trait must be an object");
        continue;
      }
      const auto& o = e.get_object();
      trait_def d;
      d.id = str(o, "id");
      if (d.id.empty()) {
        problem("traits", "a trait needs an 'id'");
        continue;
      }
      if (find(d.id) >= 0) problem(d.id, "duplicate trait '" + d.id + "'");
      d.points_to = str(o, "points_to");
      if (d.points_to != "tpm" && d.points_to != "pm" && d.points_to != "neither")
        problem(d.id, "'points_to' must be \"tpm\", \"pm\" or \"neither\"");
      d.because = str(o, "because");
      d.section = str(o, "section");
      d.evidence = strs(o, "evidence", d.id);
      if (auto* b = o.if_contains("blank"); b && b->is_bool()) d.blank = b->get_bool();
      if (d.points_to != "neither") {
        if (d.because.empty()) problem(d.id, "a trait pointing to a role needs 'because'");
        if (d.evidence.empty()) problem(d.id, "a trait pointing to a role needs 'evidence' from the article");
        if (std::find(sections.begin(), sections.end(), d.section) == sections.end())
          problem(d.id, "'section' is not a heading of the article: '" + d.section + "'");
      } else if (!d.section.empty()) {
        problem(d.id, "a trait pointing to neither has no 'section'");
      }
      if (!d.because.empty() && d.evidence.empty()) problem(d.id, "'because' needs 'evidence' from the article");
      for (const auto& ev : d.evidence)
        if (!article.empty() && article.find(squeeze_white_space(ev)) == std::string::npos)
          problem(d.id, "evidence is not verbatim in the article: '" + ev + "'");
      std::vector<std::unique_ptr<RE2>> res;
      int first = -1;
      for (const auto& p : strs(o, "patterns", d.id)) {
        auto re = compile_one(p, d.id);
        if (re.empty()) continue;
        std::string err;
        const int at = c->any->Add(re, &err);
        if (at < 0) {
          problem(d.id, "pattern '" + p + "': " + err);
          c->any_complete = false;
        } else {
          if (first < 0) first = at;
          if (at != first + static_cast<int>(res.size())) c->any_complete = false;
          ++c->any_size;
        }
        auto r = make_re(re, single_mem);
        if (!r->ok()) problem(d.id, "pattern '" + p + "': " + r->error());
        res.push_back(std::move(r));
      }
      if (res.empty()) problem(d.id, "a trait needs at least one pattern");
      c->first_in_any.push_back(first);
      c->trait_res.push_back(std::move(res));
      traits_.push_back(std::move(d));
    }
  } else {
    problem("traits", "'traits' must be an array");
  }
  if (!c->any->Compile()) {
    problem("traits", "the trait patterns do not fit in memory");
    c->any_complete = false;
  }

  json::object empty;
  const auto* pol = top.if_contains("polarity");
  const json::object& po = pol && pol->is_object() ? pol->get_object() : empty;
  c->against_before = compile_list(strs(po, "against_before", "polarity"), "polarity");
  c->for_before = compile_list(strs(po, "for_before", "polarity"), "polarity");
  c->against_after = compile_list(strs(po, "against_after", "polarity"), "polarity");
  c->prefer_split = compile_list(strs(po, "prefer_split", "polarity"), "polarity");
  c->retract = compile_list(strs(po, "retract", "polarity"), "polarity");
  c->choice = compile_list(strs(top, "choice", "choice"), "choice");

  const auto* q = top.if_contains("questionnaire");
  const json::object& qo = q && q->is_object() ? q->get_object() : empty;
  quiz_intro_ = str(qo, "intro");
  c->skip = compile_list(strs(qo, "skip", "questionnaire"), "questionnaire");
  c->first = compile_list(strs(qo, "first", "questionnaire"), "questionnaire");
  c->second = compile_list(strs(qo, "second", "questionnaire"), "questionnaire");
  typical_ = strs(qo, "typical", "questionnaire");
  if (auto* qs = qo.if_contains("questions"); qs && qs->is_array()) {
    for (const auto& e : qs->get_array()) {
      if (!e.is_object()) continue;
      quiz_question qq;
      qq.ask = str(e.get_object(), "ask");
      if (auto* os = e.get_object().if_contains("options"); os && os->is_array())
        for (const auto& oe : os->get_array()) {
          if (!oe.is_object()) continue;
          quiz_option op;
          op.chip = str(oe.get_object(), "chip");
          op.trait = str(oe.get_object(), "trait");
          if (auto* l = oe.get_object().if_contains("liked"); l && l->is_bool()) op.liked = l->get_bool();
          if (find(op.trait) < 0) problem("questionnaire", "option '" + op.chip + "' names no trait: '" + op.trait + "'");
          qq.options.push_back(std::move(op));
        }
      if (qq.ask.empty() || qq.options.size() != 2) problem("questionnaire", "each question needs 'ask' and two 'options'");
      questions_.push_back(std::move(qq));
    }
  }
  if (!traits_.empty() && questions_.empty()) problem("questionnaire", "the questionnaire needs questions");

  const auto* d = top.if_contains("depth");
  const json::object& dob = d && d->is_object() ? d->get_object() : empty;
  c->more = compile_list(strs(dob, "more", "depth"), "depth");
  c->example = compile_list(strs(dob, "example", "depth"), "depth");
  c->summary = compile_list(strs(dob, "summary", "depth"), "depth");
  c_ = std::move(c);
}

bool trait_set::any_trait(std::string_view norm) const {
  if (!c_ || traits_.empty()) return false;
  // No list of which patterns matched: the set may stop at the first match.
  return c_->any->Match(re2::StringPiece(norm.data(), norm.size()), nullptr);
}

namespace {
bool matches(const std::unique_ptr<RE2>& re, std::string_view s) {
  return re && RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
}
}  // namespace

bool trait_set::asks_choice(std::string_view norm) const { return c_ && matches(c_->choice, norm); }
bool trait_set::is_more(std::string_view norm) const { return c_ && matches(c_->more, norm); }
bool trait_set::is_example(std::string_view norm) const { return c_ && matches(c_->example, norm); }
bool trait_set::is_summary(std::string_view norm) const { return c_ && matches(c_->summary, norm); }
bool trait_set::is_skip(std::string_view norm) const { return c_ && matches(c_->skip, norm); }
bool trait_set::is_retraction(std::string_view norm) const { return c_ && matches(c_->retract, norm); }
int trait_set::pick(std::string_view norm) const {
  if (!c_) return 0;
  if (matches(c_->first, norm)) return 1;
  if (matches(c_->second, norm)) return 2;
  return 0;
}

void trait_set::match_clause(std::string_view norm, std::vector<trait_match>& out) const {
  if (!c_) return;
  std::string t(norm);
  struct hit {
    int trait;
    std::size_t s, e;
  };
  std::vector<hit> hits;
  // Which patterns match t at all, from one pass of the set of every trait
  // pattern: only those are searched one by one for where they match (a
  // pattern the set does not report cannot match). Recomputed after a trait
  // blanks words, since t then changes. Without the set's answer (it ran out
  // of memory, or a pattern is missing from it) every pattern is searched.
  thread_local std::vector<int> in_set;
  thread_local std::vector<char> live;
  bool filtered = false;
  auto find_live = [&] {
    filtered = false;
    if (!c_->any_complete) return;
    in_set.clear();
    RE2::Set::ErrorInfo info{};
    if (!c_->any->Match(re2::StringPiece(t.data(), t.size()), &in_set, &info) && info.kind != RE2::Set::kNoError)
      return;
    live.assign(c_->any_size, 0);
    for (const int k : in_set) live[static_cast<std::size_t>(k)] = 1;
    filtered = true;
  };
  find_live();
  for (std::size_t i = 0; i < traits_.size(); ++i) {
    bool found = false;
    hit best{static_cast<int>(i), std::string::npos, 0};
    const auto& res = c_->trait_res[i];
    for (std::size_t j = 0; j < res.size(); ++j) {
      if (filtered && !live[static_cast<std::size_t>(c_->first_in_any[i]) + j]) continue;
      const auto& re = res[j];
      std::size_t s, e;
      if (first_match(*re, t, s, e) && s < best.s) {
        best.s = s;
        best.e = e;
        found = true;
      }
    }
    if (!found) continue;
    if (traits_[i].blank) {
      // Blank every match of this trait so later traits do not read its words.
      for (const auto& re : c_->trait_res[i]) {
        std::vector<std::pair<std::size_t, std::size_t>> ms;
        all_matches(*re, t, ms);
        for (auto [s, e] : ms)
          for (std::size_t k = s; k < e; ++k) t[k] = ' ';
      }
      find_live();
    }
    hits.push_back(best);
  }
  std::sort(hits.begin(), hits.end(), [](const hit& a, const hit& b) { return a.s < b.s; });

  // Where "X over Y" / "rather X than Y" splits the clause.
  std::size_t split = std::string::npos;
  {
    std::size_t s, e;
    if (first_match(*c_->prefer_split, norm, s, e)) split = s;
  }
  const bool rather_before_split =
      split != std::string::npos && norm.substr(0, split + 1).find(" rather ") != std::string_view::npos;
  std::vector<std::pair<std::size_t, std::size_t>> ms;
  auto last_end = [&](const RE2& re, std::string_view text) -> long {
    all_matches(re, text, ms);
    long end = -1;
    for (auto [s, e] : ms) end = std::max(end, static_cast<long>(e));
    return end;
  };
  bool counted_before_split = false;
  for (std::size_t k = 0; k < hits.size(); ++k) {
    const hit& h = hits[k];
    // Words right next to each other for the same side are one statement
    // ("the technical architecture").
    if (k > 0 && h.s + 1 == hits[k - 1].e &&
        traits_[static_cast<std::size_t>(h.trait)].points_to == traits_[static_cast<std::size_t>(hits[k - 1].trait)].points_to)
      continue;
    // +1: the cue's trailing space is the trait's leading space.
    const std::string_view prefix = norm.substr(0, h.s + 1);
    const long against = last_end(*c_->against_before, prefix);
    const long in_favour = last_end(*c_->for_before, prefix);
    bool liked = !(against >= 0 && against >= in_favour);
    bool cued = against >= 0 || in_favour >= 0;
    const std::size_t next = k + 1 < hits.size() ? hits[k + 1].s + 1 : norm.size();
    if (h.e > 0 && next > h.e - 1) {
      const std::string_view after = norm.substr(h.e - 1, next - (h.e - 1));
      if (matches(c_->against_after, after)) liked = false, cued = true;
    }
    if (split != std::string::npos && h.s >= split) {
      if (counted_before_split) continue;  // "X over Y": Y does not count
      if (rather_before_split) liked = false, cued = true;  // "rather die than Y": against Y
    } else if (traits_[static_cast<std::size_t>(h.trait)].points_to != "neither") {
      counted_before_split = true;
    }
    out.push_back({h.trait, liked, cued, {}});
  }
}

}  // namespace advisor
