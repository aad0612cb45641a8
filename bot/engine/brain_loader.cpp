// Loading a brain: reads rules/*.json and knowledge/*.json, one function per
// section of the rules files (settings, intents, lexicon, concepts, rules,
// the engine's cues), then the cross-checks between rules and knowledge.
// Every problem goes to the load_report; nothing stops at the first.
#include <algorithm>
#include <atomic>
#include <bit>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "bot/engine/brain_impl.hpp"
#include "bot/engine/json_file.hpp"
#include "bot/engine/pattern_compiler.hpp"

namespace advisor {
namespace json = boost::json;

namespace {

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::optional<role_policy> parse_policy(std::string_view s) {
  if (s == "resolve") return role_policy::resolve;
  if (s == "both") return role_policy::both;
  if (s == "other") return role_policy::other;
  if (s == "previous") return role_policy::previous;
  if (s == "add") return role_policy::add;
  return std::nullopt;
}

std::optional<std::uint8_t> parse_when(std::string_view s) {
  if (s == "followup") return when_followup;
  if (s == "start") return when_start;
  if (s == "no_role") return when_no_role;
  if (s == "role") return when_role;
  if (s == "context") return when_context;
  return std::nullopt;
}

std::string get_string(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Builds one brain::impl from the files, section by section.
class brain_loader {
 public:
  brain_loader(brain::impl& brain, load_report& report, const engine_options& options)
      : b_(brain), report_(report), options_(options) {}

  void read_files(const std::filesystem::path& rules_dir);
  void load_sections();  // pass 1: settings, intents, lexicon, concepts of every file
  void check_intents(const std::filesystem::path& rules_dir);
  void load_rules();  // pass 2: rules (they use the concepts and intents of every file)
  void add_cues(const std::filesystem::path& rules_dir);
  void load_senses();  // after the rules: senses are cues
  // The advice step's traits (rules/traits.json); before compile(), so the
  // trait words join the spelling vocabulary.
  void load_advice(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge_dir) {
    b_.advice.load(rules_dir, knowledge_dir, pc_, b_.intent_names, options_.re2_max_mem, report_);
  }
  void compile(const std::filesystem::path& rules_dir);
  void cross_check(const knowledge_base& kb);
  void build_normalizer();
  void build_soft_stage();  // after build_normalizer: the examples are normalised like messages
  std::string version(const knowledge_base& kb) const;

 private:
  void problem(const json_file& f, const std::string& id, const std::string& msg) {
    report_.add(f.path, f.line_of(id), id, msg);
  }
  std::vector<std::string> get_strings(const json_file& f, const json::object& o, const char* key,
                                       const std::string& id);

  void load_settings(const json_file& f, const json::value& v);
  void load_intents(const json_file& f, const json::value& v);
  void load_lexicon(const json_file& f, const json::value& v);
  void load_concepts(const json_file& f, const json::value& v);
  void load_calibration(const json_file& f, const json::value& v);
  void load_examples(const json_file& f, const json::value& v);
  void load_curve(const json_file& f, const json::value& v);
  void load_logistic(const json_file& f, const json::value& v);
  void load_rule(const json_file& f, const json::object& o);

  brain::impl& b_;
  load_report& report_;
  std::vector<json_file> files_;
  lexicon lex_;
  std::string empty_name_ = "fallback";
  std::map<std::string, std::vector<std::string>> concepts_;
  std::map<std::string, std::string> concept_file_;
  std::map<std::string, std::string> rule_file_;
  struct example_question {
    std::string file, intent, text;
  };
  std::vector<example_question> examples_;  // rules' "examples", built into the soft stage last
  pattern_compiler pc_{&concepts_};
  engine_options options_;

 public:
  const knowledge_base* kb = nullptr;  // for rules' "say" checks, when it loaded
};

std::vector<std::string> brain_loader::get_strings(const json_file& f, const json::object& o, const char* key,
                                                   const std::string& id) {
  return string_list(o, key, [&](const std::string& msg) { problem(f, id, msg); });
}

void brain_loader::read_files(const std::filesystem::path& rules_dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::recursive_directory_iterator it(rules_dir, ec), end; !ec && it != end; it.increment(ec)) {
    // Hidden entries are skipped: a Kubernetes ConfigMap mount keeps the
    // real files in "..<timestamp>/" behind "..data" and shows them through
    // symlinks, so descending there would load every file twice.
    if (it->path().filename().string().starts_with('.')) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") paths.push_back(it->path());
  }
  if (ec) report_.add(rules_dir.string(), 0, "", "cannot read the rules directory: " + ec.message());
  std::sort(paths.begin(), paths.end());
  if (paths.empty() && !ec) report_.add(rules_dir.string(), 0, "", "no rule files (*.json)");
  for (const auto& p : paths)
    if (auto f = read_json_file(p, report_)) files_.push_back(std::move(*f));
}

void brain_loader::load_sections() {
  static const std::set<std::string> sections{"intents", "settings", "lexicon", "concepts", "rules", "senses",
                                               "calibration", "examples"};
  for (const auto& f : files_) {
    if (!f.value.is_object()) {
      report_.add(f.path, 1, "", "the top level must be a JSON object");
      continue;
    }
    const auto& top = f.value.get_object();
    if (top.if_contains("traits")) continue;  // rules/traits.json: read by the advice step (load_advice)
    for (const auto& [key, v] : top)
      if (!sections.count(std::string(key)))
        problem(f, std::string(key), "unknown top-level key '" + std::string(key) + "'");
    if (auto* v = top.if_contains("settings")) load_settings(f, *v);
    if (auto* v = top.if_contains("intents")) load_intents(f, *v);
    if (auto* v = top.if_contains("lexicon")) load_lexicon(f, *v);
    if (auto* v = top.if_contains("concepts")) load_concepts(f, *v);
    if (auto* v = top.if_contains("calibration")) load_calibration(f, *v);
    if (auto* v = top.if_contains("examples")) load_examples(f, *v);
  }
}

void brain_loader::load_examples(const json_file& f, const json::value& v) {
  if (!v.is_object()) {
    problem(f, "examples", "'examples' must be an object of intent names and lists of questions");
    return;
  }
  for (const auto& [k, list] : v.get_object()) {
    const std::string name(k);
    for (auto& q : get_strings(f, v.get_object(), name.c_str(), name)) examples_.push_back({f.path, name, std::move(q)});
  }
}

void brain_loader::build_soft_stage() {
  // Concept members that are plain words (not phrases or patterns).
  for (const auto& [name, members] : concepts_)
    for (const auto& m : members)
      if (!m.empty() && std::all_of(m.begin(), m.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }))
        b_.soft.add_concept_word(m, name);
  for (auto& e : examples_) {
    const int i = b_.find_intent(e.intent);
    if (i < 0 || !b_.intent(i).topical) {
      report_.add(e.file, 0, e.intent, "examples for '" + e.intent + "', which is not a topical intent");
      continue;
    }
    const normalized_text n = b_.normalizer.normalize(e.text);
    b_.soft.add_example(i, std::move(e.text), n.text);
  }
  b_.soft.finish(b_.intents.size());
}

void brain_loader::load_settings(const json_file& f, const json::value& v) {
  if (!v.is_object()) {
    problem(f, "settings", "'settings' must be an object");
    return;
  }
  scoring_options& o = b_.scoring;
  const std::pair<const char*, double*> numbers[] = {
      {"threshold", &o.threshold},
      {"close_margin", &o.close_margin},
      {"preamble_penalty", &o.preamble_penalty},
      {"extra_rule_bonus", &o.extra_rule_bonus},
      {"score_cap", &o.score_cap},
      {"role_only_confidence", &o.role_only_confidence},
      {"empty_text_confidence", &o.empty_text_confidence},
      {"clarify_margin", &o.clarify_margin},
      {"clarify_below", &o.clarify_below},
      {"role_only_below", &o.role_only_below},
      {"soft_min", &o.soft_min},
      {"soft_margin", &o.soft_margin},
  };
  const auto& s = v.get_object();
  for (const auto& [key, field] : numbers)
    if (auto* t = s.if_contains(key)) {
      if (t->is_number()) *field = t->to_number<double>();
      else problem(f, key, std::string("setting '") + key + "' must be a number");
    }
  if (auto* t = s.if_contains("empty_intent"); t && t->is_string()) empty_name_ = std::string(t->get_string());
}

void brain_loader::load_intents(const json_file& f, const json::value& v) {
  if (!v.is_array()) {
    problem(f, "intents", "'intents' must be an array");
    return;
  }
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) {
      problem(f, "intents", "each intent must be an object");
      continue;
    }
    const auto& o = e.get_object();
    intent_def d;
    d.name = get_string(o, "name");
    if (d.name.empty()) {
      problem(f, "intents", "an intent needs a 'name'");
      continue;
    }
    const std::string kind = get_string(o, "kind");
    if (kind != "topical" && kind != "meta") problem(f, d.name, "'kind' must be \"topical\" or \"meta\"");
    d.topical = kind == "topical";
    if (auto r = get_string(o, "roles"); !r.empty()) {
      if (auto p = parse_policy(r)) d.roles = *p;
      else problem(f, d.name, "unknown roles policy '" + r + "'");
    }
    d.both_first = get_string(o, "compose") == "both_first";
    if (auto* a = o.if_contains("ask"); a && a->is_object()) {
      d.ask.tpm = get_string(a->get_object(), "tpm");
      d.ask.pm = get_string(a->get_object(), "pm");
      d.ask.both = get_string(a->get_object(), "both");
    }
    if (d.topical && (d.ask.tpm.empty() || d.ask.pm.empty() || d.ask.both.empty()))
      problem(f, d.name, "a topical intent needs 'ask' questions for tpm, pm and both");
    if (b_.intent_index.count(d.name)) {
      problem(f, d.name, "duplicate intent '" + d.name + "'");
      continue;
    }
    b_.intent_index[d.name] = static_cast<int>(b_.intents.size());
    b_.intent_names.push_back(d.name);
    b_.intents.push_back(std::move(d));
  }
}

void brain_loader::load_lexicon(const json_file& f, const json::value& v) {
  if (!v.is_object()) {
    problem(f, "lexicon", "'lexicon' must be an object");
    return;
  }
  const auto& o = v.get_object();
  if (auto* x = o.if_contains("expand"); x && x->is_object())
    for (const auto& [k, r] : x->get_object()) {
      if (r.is_string()) lex_.expansions[std::string(k)] = std::string(r.get_string());
      else problem(f, std::string(k), "an expansion must be a string");
    }
  if (auto* x = o.if_contains("phrases"); x && x->is_object())
    for (const auto& [k, r] : x->get_object()) {
      if (r.is_string()) lex_.phrases.emplace_back(std::string(k), std::string(r.get_string()));
      else problem(f, std::string(k), "a phrase's replacement must be a string");
    }
  if (auto* x = o.if_contains("roles"); x && x->is_object())
    for (const auto& [k, r] : x->get_object()) {
      if (k != "tpm" && k != "pm") problem(f, std::string(k), "unknown role '" + std::string(k) + "'");
      for (const auto& p : get_strings(f, x->get_object(), std::string(k).c_str(), std::string(k)))
        lex_.phrases.emplace_back(p, std::string(k));
    }
  if (auto* x = o.if_contains("symbols"); x && x->is_object())
    for (const auto& [k, r] : x->get_object()) {
      if (r.is_string() && !k.empty()) lex_.symbols.emplace_back(std::string(k), std::string(r.get_string()));
      else problem(f, std::string(k), "a symbol's replacement must be a string");
    }
  for (const auto& w : get_strings(f, o, "self_corrections", "self_corrections")) lex_.self_corrections.push_back(w);
  for (const auto& w : get_strings(f, o, "role_negations", "role_negations")) lex_.role_negations.push_back(w);
  for (const auto& w : get_strings(f, o, "known_words", "known_words")) lex_.known_words.push_back(w);
  for (const auto& w : get_strings(f, o, "english_words", "english_words")) lex_.english_words.push_back(w);
}

void brain_loader::load_concepts(const json_file& f, const json::value& v) {
  if (!v.is_object()) {
    problem(f, "concepts", "'concepts' must be an object");
    return;
  }
  for (const auto& [k, members] : v.get_object()) {
    const std::string name(k);
    if (concept_file_.count(name)) {
      problem(f, name, "duplicate concept '~" + name + "' (also in " + concept_file_[name] + ")");
      continue;
    }
    concept_file_[name] = f.path;
    concepts_[name] = get_strings(f, v.get_object(), name.c_str(), name);
  }
}

void brain_loader::load_calibration(const json_file& f, const json::value& v) {
  if (!v.is_object()) {
    problem(f, "calibration", "'calibration' must be an object");
    return;
  }
  const auto& o = v.get_object();
  for (const auto& [key, unused] : o)
    if (key != "answer" && key != "logistic")
      problem(f, std::string(key), "unknown calibration '" + std::string(key) + "' (answer, logistic)");
  if (o.contains("answer") && o.contains("logistic"))
    problem(f, "logistic", "calibration: give 'answer' (a curve) or 'logistic' (a model), not both");
  if (auto* c = o.if_contains("answer")) load_curve(f, *c);
  if (auto* c = o.if_contains("logistic")) load_logistic(f, *c);
}

void brain_loader::load_curve(const json_file& f, const json::value& c) {
  calibration_curve& curve = b_.answer_calibration.curve;
  bool ok = c.is_array();
  double last_x = -1.0, last_y = 0.0;
  if (ok)
    for (const auto& point : c.get_array()) {
      if (!point.is_array() || point.get_array().size() != 2 || !point.get_array()[0].is_number() ||
          !point.get_array()[1].is_number()) {
        ok = false;
        break;
      }
      const double x = point.get_array()[0].to_number<double>(), y = point.get_array()[1].to_number<double>();
      if (x < last_x || y < last_y || y < 0.0 || y > 1.0) {
        ok = false;
        break;
      }
      curve.points.emplace_back(x, y);
      last_x = x;
      last_y = y;
    }
  if (!ok) {
    curve.points.clear();
    problem(f, "answer", "calibration 'answer' must be [raw, p] pairs, raw and p not decreasing, p in [0, 1]");
  }
}

void brain_loader::load_logistic(const json_file& f, const json::value& v) {
  // A weight this large would make the confidence a step function of one
  // feature: a mistake in the file rather than a fit.
  constexpr double max_weight = 50.0;
  auto number = [&](const json::value& x, double& out) {
    if (!x.is_number()) return false;
    out = x.to_number<double>();
    return std::isfinite(out) && std::abs(out) <= max_weight;
  };
  if (!v.is_object()) {
    problem(f, "logistic", "calibration 'logistic' must be an object with 'intercept' and 'weights'");
    return;
  }
  const auto& o = v.get_object();
  logistic_model m;
  bool ok = true;
  for (const auto& [key, unused] : o)
    if (key != "intercept" && key != "weights" && key != "note") {
      problem(f, std::string(key), "unknown field '" + std::string(key) + "' of calibration 'logistic'");
      ok = false;
    }
  const auto* intercept = o.if_contains("intercept");
  if (!intercept || !number(*intercept, m.intercept)) {
    problem(f, "intercept", "calibration 'logistic' needs an 'intercept', a number in [-50, 50]");
    ok = false;
  }
  const auto* weights = o.if_contains("weights");
  if (!weights || !weights->is_object()) {
    problem(f, "weights", "calibration 'logistic' needs 'weights', an object of feature: number");
    ok = false;
  } else {
    for (const auto& [key, w] : weights->get_object()) {
      const auto feature = feature_of(key);
      double x = 0.0;
      if (!feature) {
        std::string known;
        for (std::size_t i = 0; i < confidence_feature_count; ++i)
          known.append(i ? ", " : "").append(feature_name(static_cast<confidence_feature>(i)));
        problem(f, std::string(key), "unknown calibration feature '" + std::string(key) + "' (" + known + ")");
        ok = false;
      } else if (!number(w, x)) {
        problem(f, std::string(key), "calibration weight '" + std::string(key) + "' must be a number in [-50, 50]");
        ok = false;
      } else {
        m.weights[static_cast<std::size_t>(*feature)] = x;
      }
    }
  }
  if (ok) b_.answer_calibration.model = m;
}

void brain_loader::check_intents(const std::filesystem::path& rules_dir) {
  const std::string dir = rules_dir.string();
  if (b_.intents.empty()) report_.add(dir, 0, "", "no intents defined");
  b_.role_definition = b_.find_intent("role_definition");
  b_.empty_intent = b_.find_intent(empty_name_);
  if (b_.empty_intent < 0 || b_.intent(b_.empty_intent).topical)
    report_.add(dir, 0, "settings", "'empty_intent' must name a meta intent: '" + empty_name_ + "'");
  b_.fallback = b_.find_intent("fallback");
  if (b_.fallback < 0) report_.add(dir, 0, "fallback", "the intent 'fallback' must be defined");
  if (b_.role_definition < 0) report_.add(dir, 0, "role_definition", "the intent 'role_definition' must be defined");
}

void brain_loader::load_rules() {
  for (const auto& f : files_) {
    if (!f.value.is_object()) continue;
    auto* v = f.value.get_object().if_contains("rules");
    if (!v) continue;
    if (!v->is_array()) {
      problem(f, "rules", "'rules' must be an array");
      continue;
    }
    for (const auto& e : v->get_array()) {
      if (e.is_object()) load_rule(f, e.get_object());
      else problem(f, "rules", "each rule must be an object");
    }
  }
}

void brain_loader::load_rule(const json_file& f, const json::object& o) {
  rule r;
  r.id = get_string(o, "id");
  r.file = f.path;
  if (r.id.empty()) {
    problem(f, "rules", "a rule needs an 'id'");
    return;
  }
  r.line = f.line_of(r.id);
  bool ok = true;
  auto bad = [&](const std::string& msg) {
    report_.add(f.path, r.line, r.id, msg);
    ok = false;
  };
  if (auto [it, fresh] = rule_file_.emplace(r.id, f.path); !fresh) bad("duplicate rule id (also in " + it->second + ")");
  static const std::set<std::string> known{"id", "intent", "all", "any", "none", "weight", "when", "after", "roles", "say", "note"};
  for (const auto& [key, unused] : o)
    if (!known.count(std::string(key))) bad("unknown field '" + std::string(key) + "'");
  const std::string intent = get_string(o, "intent");
  if (intent == "@previous") {
    r.intent = -1;
    r.when |= when_followup;
  } else if ((r.intent = b_.find_intent(intent)) < 0) {
    bad("unknown intent '" + intent + "'");
  }
  if (auto* w = o.if_contains("weight")) {
    if (!w->is_number() || w->to_number<double>() < 0.0 || w->to_number<double>() > 1.0) bad("'weight' must be a number in [0, 1]");
    else r.weight = w->to_number<double>();
  }
  for (const auto& w : get_strings(f, o, "when", r.id)) {
    if (auto c = parse_when(w)) r.when |= *c;
    else bad("unknown condition '" + w + "' (followup, start, role, no_role, context)");
  }
  for (const auto& a : get_strings(f, o, "after", r.id)) {
    const int i = b_.find_intent(a);
    if (i < 0 || !b_.intent(i).topical) bad("'after' names no topical intent: '" + a + "'");
    else r.after.push_back(i);
  }
  if (!r.after.empty()) r.when |= when_followup;
  if (auto p = get_string(o, "roles"); !p.empty()) {
    if (auto pol = parse_policy(p)) r.roles = *pol;
    else bad("unknown roles policy '" + p + "' (resolve, both, other, previous, add)");
  }
  if (auto s = get_string(o, "say"); !s.empty()) {
    if (kb && !kb->meta(s)) bad("'say' names no meta answer in the knowledge base: '" + s + "'");
    auto it = std::find(b_.says.begin(), b_.says.end(), s);
    r.say = static_cast<int>(it - b_.says.begin());
    if (it == b_.says.end()) b_.says.push_back(s);
  }
  struct part_patterns {
    const char* key;
    std::vector<std::string> compiled;
  } parts[] = {{"all", {}}, {"any", {}}, {"none", {}}};
  for (auto& part : parts)
    for (const auto& p : get_strings(f, o, part.key, r.id)) {
      std::string err;
      if (auto re = pc_.compile(p, err)) part.compiled.push_back(std::move(*re));
      else bad(std::string(part.key) + " pattern '" + p + "': " + err);
    }
  if (parts[0].compiled.empty() && parts[1].compiled.empty() && ok) bad("a rule needs at least one 'all' or 'any' pattern");
  if (!ok) return;
  std::string err;
  const int line = r.line;
  const std::string id = r.id;
  if (!b_.rules.add_rule(std::move(r), parts[0].compiled, parts[1].compiled, parts[2].compiled, err))
    report_.add(f.path, line, id, err);
}

void brain_loader::add_cues(const std::filesystem::path& rules_dir) {
  for (engine_cue c : engine_cues) {
    std::string err;
    auto re = pc_.compile(std::string("~") + cue_concept(c), err);
    const int bit = re ? b_.rules.add_cue(*re, err) : -1;
    if (bit < 0) report_.add(rules_dir.string(), 0, cue_concept(c), "engine cue: " + err);
    else b_.cues[c] = std::uint64_t{1} << bit;
  }
}

void brain_loader::load_senses() {
  for (const auto& f : files_) {
    if (!f.value.is_object()) continue;
    auto* v = f.value.get_object().if_contains("senses");
    if (!v) continue;
    if (!v->is_object()) {
      problem(f, "senses", "'senses' must be an object");
      continue;
    }
    for (const auto& [k, def] : v->get_object()) {
      other_sense sense;
      sense.name = std::string(k);
      sense.file = f.path;
      sense.line = f.line_of(sense.name);
      if (!def.is_object()) {
        problem(f, sense.name, "a sense must be an object with 'words'");
        continue;
      }
      const auto& o = def.get_object();
      for (const auto& [key, unused] : o)
        if (key != "words" && key != "always" && key != "note")
          problem(f, sense.name, "unknown field '" + std::string(key) + "' of a sense");
      if (auto* a = o.if_contains("always")) sense.always = a->is_bool() && a->get_bool();
      int bit = -1;
      for (const auto& p : get_strings(f, o, "words", sense.name)) {
        std::string err;
        auto re = pc_.compile(p, err);
        if (re) bit = b_.rules.add_cue(*re, err, bit);
        if (!re || bit < 0) {
          problem(f, sense.name, "sense '" + sense.name + "' pattern '" + p + "': " + err);
          break;
        }
      }
      if (bit < 0) {
        problem(f, sense.name, "a sense needs 'words'");
        continue;
      }
      sense.bit = std::uint64_t{1} << bit;
      b_.sense_mask |= sense.bit;
      b_.senses.push_back(std::move(sense));
    }
  }
  if (concepts_.count("job_context")) {
    std::string err;
    auto re = pc_.compile("~job_context", err);
    const int bit = re ? b_.rules.add_cue(*re, err) : -1;
    if (bit < 0) report_.add(concept_file_["job_context"], 0, "job_context", "engine cue: " + err);
    else b_.job_context_bit = std::uint64_t{1} << bit;
  }
}

void brain_loader::compile(const std::filesystem::path& rules_dir) {
  for (const auto& [name, file] : concept_file_)
    if (!pc_.used_concepts().count(name)) {
      // Compile unused concepts too, so their errors are reported.
      std::string err;
      if (!pc_.compile("~" + name, err)) report_.add(file, 0, name, err);
    }
  if (report_.ok()) {
    std::string err;
    if (!b_.rules.compile(err)) report_.add(rules_dir.string(), 0, "", err);
  }
}

void brain_loader::cross_check(const knowledge_base& k) {
  for (const auto& d : b_.intents) {
    if (d.topical) {
      const auto* t = k.topic(d.name);
      if (!t) {
        report_.add(k.path(), 0, d.name, "missing knowledge for intent '" + d.name + "'");
        continue;
      }
      if (!t->tpm) report_.add(k.path(), 0, d.name, "missing knowledge for intent '" + d.name + "', role tpm");
      if (!t->pm) report_.add(k.path(), 0, d.name, "missing knowledge for intent '" + d.name + "', role pm");
      if (d.both_first && !t->both)
        report_.add(k.path(), 0, d.name, "missing knowledge for intent '" + d.name + "', both roles");
    } else if (!k.meta(d.name)) {
      report_.add(k.path(), 0, d.name, "missing meta answer for intent '" + d.name + "'");
    }
  }
  for (const auto& [name, t] : k.topics())
    if (const int i = b_.find_intent(name); i < 0 || !b_.intent(i).topical)
      report_.add(k.path(), 0, name, "knowledge for '" + name + "', which is not a topical intent");
  if (const auto* w = k.meta("welcome")) b_.welcome = {w->text, w->suggestions};
  else report_.add(k.path(), 0, "welcome", "missing meta answer 'welcome'");
}

void brain_loader::build_normalizer() {
  // The vocabulary spelling may correct to: every word the rules use, the
  // phrases' words and the canonical role tokens.
  lex_.vocabulary.assign(pc_.words().begin(), pc_.words().end());
  for (const auto& [k, v] : lex_.phrases)
    for (std::size_t a = 0, e; a < k.size(); a = e + 1) {
      e = k.find(' ', a);
      if (e == std::string::npos) e = k.size();
      if (e > a) lex_.vocabulary.push_back(k.substr(a, e - a));
    }
  b_.normalizer = text_normalizer(lex_);
}

std::string brain_loader::version(const knowledge_base& k) const {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto& f : files_) h = fnv1a(fnv1a(h, f.path.substr(f.path.find_last_of('/') + 1)), f.text);
  h = fnv1a(h, k.source_text());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(hex, 12);
}

}  // namespace

std::shared_ptr<const brain> brain::load(const std::filesystem::path& rules_dir,
                                         const std::filesystem::path& knowledge_dir, load_report& report,
                                         const engine_options& options) {
  auto im = std::make_unique<impl>();
  im->rules.set_re2_max_mem(options.re2_max_mem);
  brain_loader loader(*im, report, options);
  loader.read_files(rules_dir);
  auto kb = knowledge_base::load(knowledge_dir, report);
  loader.kb = kb ? &*kb : nullptr;
  loader.load_sections();
  loader.check_intents(rules_dir);
  loader.load_rules();
  loader.add_cues(rules_dir);
  loader.load_senses();
  loader.load_advice(rules_dir, knowledge_dir);
  loader.compile(rules_dir);
  if (kb) loader.cross_check(*kb);
  if (!report.ok() || !kb) return nullptr;
  loader.build_normalizer();
  loader.build_soft_stage();
  if (!report.ok()) return nullptr;
  im->version = loader.version(*kb);
  im->kb = std::move(*kb);
  im->precompose();
  // Each loaded brain its own generation: a thread's cached analysis of a
  // text (brain.cpp, analyse) is used only by the brain that made it.
  static std::atomic<std::uint64_t> generations{0};
  im->generation = generations.fetch_add(1, std::memory_order_relaxed) + 1;
  im->text_cache = options.text_cache == 0 ? 0 : std::bit_ceil(std::clamp<std::size_t>(options.text_cache, 2, 1u << 20));
  return std::shared_ptr<const brain>(new brain(std::move(im)));
}

}  // namespace advisor
