#include "bot/engine/brain.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "bot/engine/advice.hpp"
#include "bot/engine/json_file.hpp"
#include "bot/engine/knowledge_base.hpp"
#include "bot/engine/pattern_compiler.hpp"
#include "bot/engine/rule_set.hpp"
#include "bot/engine/text_normalizer.hpp"

namespace advisor {
namespace json = boost::json;

namespace {

// One intent of rules' "intents" catalogue.
struct intent_def {
  std::string name;
  bool topical = false;
  role_policy roles = role_policy::resolve;
  bool both_first = false;              // compose: the "both" text leads
  std::array<std::string, 3> ask;       // canonical question: tpm, pm, both
};

// Cues the engine reads for role resolution; each is a concept in rules/.
constexpr std::array<const char*, 3> cue_concepts = {"both_roles", "other_role", "compare"};
enum cue_bit : std::uint32_t { cue_both = 1, cue_other = 2, cue_compare = 4 };

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

// The question sentences of a message that also has other sentences ("I'm a
// new grad. What does a TPM do?" -> "What does a TPM do?"), so rules that
// only fire on the preamble can be weighed down. Empty when the text has no
// question mark or is all questions. A sentence ends at '?', '!', a line
// break, or a '.' or ';' followed by white space.
std::string question_part(std::string_view text) {
  std::string questions;
  bool other = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size();
    const char c = end ? '\0' : text[i];
    const bool stop = end || c == '?' || c == '!' || c == '\n' ||
                      ((c == '.' || c == ';') &&
                       (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n'));
    if (!stop) continue;
    std::string_view sentence = text.substr(start, i - start);
    const bool has_word = std::any_of(sentence.begin(), sentence.end(),
                                      [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; });
    if (has_word) {
      if (c == '?') questions.append(sentence).append(" ? ");
      else other = true;
    }
    start = i + 1;
  }
  return other ? questions : std::string();
}

}  // namespace

struct brain::impl {
  std::vector<intent_def> intents;
  std::vector<std::string> intent_names;
  std::map<std::string, int> intent_index;
  std::vector<std::string> says;  // meta answer names used by rules' "say"
  text_normalizer normalizer;
  rule_set rules;
  knowledge_base kb;
  welcome_message welcome;
  std::string version;
  std::uint32_t cue_bits[3] = {0, 0, 0};
  double threshold = 0.5;     // below: fallback
  double close_margin = 0.1;  // runner-up within this is offered as a suggestion
  double preamble_penalty = 0.1;  // weight taken off rules that fire only outside the question
  int empty_intent = -1;      // answer to text with no words at all ("?")
  int role_definition = -1;
  int fallback = -1;
  advice_engine advice;  // advice: traits, questionnaire, depth (bot/engine/advice.hpp)

  reply answer_rules(std::string_view text, const normalized_text& norm, conversation& conv) const;
  reply compose(int intent, role_set roles, double confidence, const std::string& rule_id, int say,
                int runner_up) const;
  std::string ask(int intent, role_set roles) const;
};

brain::brain(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
brain::~brain() = default;

const welcome_message& brain::welcome() const { return impl_->welcome; }
const std::string& brain::version() const { return impl_->version; }
const std::vector<std::string>& brain::intent_names() const { return impl_->intent_names; }
std::size_t brain::rule_count() const { return impl_->rules.rules().size(); }
std::string brain::explain(std::string_view text) const { return impl_->normalizer.normalize(text).text; }

// ---------------------------------------------------------------- loading

std::shared_ptr<const brain> brain::load(const std::filesystem::path& rules_dir,
                                         const std::filesystem::path& knowledge_dir, load_report& report) {
  auto im = std::make_unique<impl>();
  std::vector<json_file> files;
  {
    std::error_code ec;
    std::vector<std::filesystem::path> paths;
    for (std::filesystem::recursive_directory_iterator it(rules_dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".json") paths.push_back(it->path());
    if (ec) report.add(rules_dir.string(), 0, "", "cannot read the rules directory: " + ec.message());
    std::sort(paths.begin(), paths.end());
    if (paths.empty() && !ec) report.add(rules_dir.string(), 0, "", "no rule files (*.json)");
    for (const auto& p : paths)
      if (auto f = read_json_file(p, report)) files.push_back(std::move(*f));
  }
  auto kb = knowledge_base::load(knowledge_dir, report);

  auto problem = [&](const json_file& f, const std::string& id, const std::string& msg) {
    report.add(f.path, f.line_of(id), id, msg);
  };
  auto get_string = [](const json::object& o, const char* k) -> std::string {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto get_strings = [&](const json_file& f, const json::object& o, const char* k, const std::string& id) {
    std::vector<std::string> out;
    auto* v = o.if_contains(k);
    if (!v) return out;
    if (v->is_string()) {
      out.emplace_back(v->get_string());
    } else if (v->is_array()) {
      for (const auto& e : v->get_array()) {
        if (e.is_string()) out.emplace_back(e.get_string());
        else problem(f, id, std::string("'") + k + "' must contain only strings");
      }
    } else {
      problem(f, id, std::string("'") + k + "' must be a string or an array of strings");
    }
    return out;
  };

  // Pass 1: intents, settings, lexicon, concepts from every file.
  lexicon lex;
  std::string empty_name = "fallback";
  std::map<std::string, std::vector<std::string>> concepts;
  std::map<std::string, std::string> concept_file;
  for (const auto& f : files) {
    if (!f.value.is_object()) {
      report.add(f.path, 1, "", "the top level must be a JSON object");
      continue;
    }
    const auto& top = f.value.get_object();
    if (top.if_contains("traits")) continue;  // advice: rules/traits.json is read by advice_engine
    for (const auto& [key, v] : top) {
      if (key != "intents" && key != "settings" && key != "lexicon" && key != "concepts" && key != "rules")
        problem(f, std::string(key), "unknown top-level key '" + std::string(key) + "'");
    }
    if (auto* v = top.if_contains("settings"); v && v->is_object()) {
      const auto& s = v->get_object();
      if (auto* t = s.if_contains("threshold"); t && t->is_number()) im->threshold = t->to_number<double>();
      if (auto* t = s.if_contains("close_margin"); t && t->is_number()) im->close_margin = t->to_number<double>();
      if (auto* t = s.if_contains("preamble_penalty"); t && t->is_number())
        im->preamble_penalty = t->to_number<double>();
      if (auto* t = s.if_contains("empty_intent"); t && t->is_string()) empty_name = std::string(t->get_string());
    }
    if (auto* v = top.if_contains("intents")) {
      if (!v->is_array()) {
        problem(f, "intents", "'intents' must be an array");
      } else {
        for (const auto& e : v->get_array()) {
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
            d.ask[0] = get_string(a->get_object(), "tpm");
            d.ask[1] = get_string(a->get_object(), "pm");
            d.ask[2] = get_string(a->get_object(), "both");
          }
          if (d.topical && (d.ask[0].empty() || d.ask[1].empty() || d.ask[2].empty()))
            problem(f, d.name, "a topical intent needs 'ask' questions for tpm, pm and both");
          if (im->intent_index.count(d.name)) {
            problem(f, d.name, "duplicate intent '" + d.name + "'");
            continue;
          }
          im->intent_index[d.name] = static_cast<int>(im->intents.size());
          im->intent_names.push_back(d.name);
          im->intents.push_back(std::move(d));
        }
      }
    }
    if (auto* v = top.if_contains("lexicon")) {
      if (!v->is_object()) {
        problem(f, "lexicon", "'lexicon' must be an object");
      } else {
        const auto& o = v->get_object();
        if (auto* x = o.if_contains("expand"); x && x->is_object())
          for (const auto& [k, r] : x->get_object()) {
            if (r.is_string()) lex.expansions[std::string(k)] = std::string(r.get_string());
            else problem(f, std::string(k), "an expansion must be a string");
          }
        if (auto* x = o.if_contains("phrases"); x && x->is_object())
          for (const auto& [k, r] : x->get_object()) {
            if (r.is_string()) lex.phrases.emplace_back(std::string(k), std::string(r.get_string()));
            else problem(f, std::string(k), "a phrase's replacement must be a string");
          }
        if (auto* x = o.if_contains("roles"); x && x->is_object())
          for (const auto& [k, r] : x->get_object()) {
            if (k != "tpm" && k != "pm") problem(f, std::string(k), "unknown role '" + std::string(k) + "'");
            for (const auto& p : get_strings(f, x->get_object(), std::string(k).c_str(), std::string(k)))
              lex.phrases.emplace_back(p, std::string(k));
          }
        for (const auto& w : get_strings(f, o, "known_words", "known_words")) lex.known_words.push_back(w);
        for (const auto& w : get_strings(f, o, "english_words", "english_words")) lex.english_words.push_back(w);
      }
    }
    if (auto* v = top.if_contains("concepts")) {
      if (!v->is_object()) {
        problem(f, "concepts", "'concepts' must be an object");
      } else {
        for (const auto& [k, members] : v->get_object()) {
          const std::string name(k);
          if (concept_file.count(name)) {
            problem(f, name, "duplicate concept '~" + name + "' (also in " + concept_file[name] + ")");
            continue;
          }
          concept_file[name] = f.path;
          concepts[name] = get_strings(f, v->get_object(), name.c_str(), name);
        }
      }
    }
  }
  if (im->intents.empty()) report.add(rules_dir.string(), 0, "", "no intents defined");
  auto find_intent = [&](const std::string& n) {
    auto it = im->intent_index.find(n);
    return it == im->intent_index.end() ? -1 : it->second;
  };
  im->role_definition = find_intent("role_definition");
  im->empty_intent = find_intent(empty_name);
  if (im->empty_intent < 0 || im->intents[static_cast<std::size_t>(im->empty_intent)].topical)
    report.add(rules_dir.string(), 0, "settings", "'empty_intent' must name a meta intent: '" + empty_name + "'");
  im->fallback = find_intent("fallback");
  if (im->fallback < 0) report.add(rules_dir.string(), 0, "fallback", "the intent 'fallback' must be defined");
  if (im->role_definition < 0)
    report.add(rules_dir.string(), 0, "role_definition", "the intent 'role_definition' must be defined");

  // Pass 2: rules.
  pattern_compiler pc(&concepts);
  std::map<std::string, std::string> rule_file;
  for (const auto& f : files) {
    if (!f.value.is_object()) continue;
    auto* v = f.value.get_object().if_contains("rules");
    if (!v) continue;
    if (!v->is_array()) {
      problem(f, "rules", "'rules' must be an array");
      continue;
    }
    for (const auto& e : v->get_array()) {
      if (!e.is_object()) {
        problem(f, "rules", "each rule must be an object");
        continue;
      }
      const auto& o = e.get_object();
      rule r;
      r.id = get_string(o, "id");
      r.file = f.path;
      if (r.id.empty()) {
        problem(f, "rules", "a rule needs an 'id'");
        continue;
      }
      r.line = f.line_of(r.id);
      bool ok = true;
      auto bad = [&](const std::string& msg) {
        report.add(f.path, r.line, r.id, msg);
        ok = false;
      };
      if (auto [it, fresh] = rule_file.emplace(r.id, f.path); !fresh) bad("duplicate rule id (also in " + it->second + ")");
      for (const auto& [key, unused] : o) {
        static const std::set<std::string> known{"id", "intent", "all", "any", "none", "weight", "when", "after", "roles", "say", "note"};
        if (!known.count(std::string(key))) bad("unknown field '" + std::string(key) + "'");
      }
      const std::string intent = get_string(o, "intent");
      if (intent == "@previous") {
        r.intent = -1;
        r.when |= when_followup;
      } else if ((r.intent = find_intent(intent)) < 0) {
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
        const int i = find_intent(a);
        if (i < 0 || !im->intents[static_cast<std::size_t>(i)].topical) bad("'after' names no topical intent: '" + a + "'");
        else r.after.push_back(i);
      }
      if (!r.after.empty()) r.when |= when_followup;
      if (auto p = get_string(o, "roles"); !p.empty()) {
        if (auto pol = parse_policy(p)) r.roles = *pol;
        else bad("unknown roles policy '" + p + "' (resolve, both, other, previous, add)");
      }
      if (auto s = get_string(o, "say"); !s.empty()) {
        if (kb && !kb->meta(s)) bad("'say' names no meta answer in the knowledge base: '" + s + "'");
        auto it = std::find(im->says.begin(), im->says.end(), s);
        r.say = static_cast<int>(it - im->says.begin());
        if (it == im->says.end()) im->says.push_back(s);
      }
      std::array<std::vector<std::string>, 3> compiled;
      const char* parts[3] = {"all", "any", "none"};
      for (int i = 0; i < 3; ++i) {
        for (const auto& p : get_strings(f, o, parts[i], r.id)) {
          std::string err;
          if (auto re = pc.compile(p, err)) compiled[i].push_back(std::move(*re));
          else bad(std::string(parts[i]) + " pattern '" + p + "': " + err);
        }
      }
      if (compiled[0].empty() && compiled[1].empty() && ok) bad("a rule needs at least one 'all' or 'any' pattern");
      if (!ok) continue;
      std::string err;
      if (!im->rules.add_rule(r, compiled[0], compiled[1], compiled[2], err)) report.add(f.path, r.line, r.id, err);
    }
  }
  for (std::size_t i = 0; i < cue_concepts.size(); ++i) {
    std::string err;
    auto re = pc.compile(std::string("~") + cue_concepts[i], err);
    int bit = re ? im->rules.add_cue(*re, err) : -1;
    if (bit < 0) report.add(rules_dir.string(), 0, cue_concepts[i], "engine cue: " + err);
    else im->cue_bits[i] = 1u << bit;
  }
  for (const auto& [name, file] : concept_file)
    if (!pc.used_concepts().count(name)) {
      // Compile unused concepts too, so their errors are reported.
      std::string err;
      if (!pc.compile("~" + name, err)) report.add(file, 0, name, err);
    }
  im->advice.load(rules_dir, knowledge_dir, pc, im->intent_names, report);  // advice: before the vocabulary
  if (report.ok()) {
    std::string err;
    if (!im->rules.compile(err)) report.add(rules_dir.string(), 0, "", err);
  }

  // Cross-checks between rules and knowledge.
  if (kb) {
    for (const auto& d : im->intents) {
      if (d.topical) {
        const auto* t = kb->topic(d.name);
        if (!t) {
          report.add(kb->path(), 0, d.name, "missing knowledge for intent '" + d.name + "'");
          continue;
        }
        if (!t->tpm) report.add(kb->path(), 0, d.name, "missing knowledge for intent '" + d.name + "', role tpm");
        if (!t->pm) report.add(kb->path(), 0, d.name, "missing knowledge for intent '" + d.name + "', role pm");
        if (d.both_first && !t->both)
          report.add(kb->path(), 0, d.name, "missing knowledge for intent '" + d.name + "', both roles");
      } else if (!kb->meta(d.name)) {
        report.add(kb->path(), 0, d.name, "missing meta answer for intent '" + d.name + "'");
      }
    }
    for (const auto& [name, t] : kb->topics())
      if (find_intent(name) < 0 || !im->intents[find_intent(name)].topical)
        report.add(kb->path(), 0, name, "knowledge for '" + name + "', which is not a topical intent");
    if (const auto* w = kb->meta("welcome")) im->welcome = {w->text, w->suggestions};
    else report.add(kb->path(), 0, "welcome", "missing meta answer 'welcome'");
  }
  if (!report.ok() || !kb) return nullptr;

  // The vocabulary spelling may correct to: every word the rules use, the
  // phrases' words and the canonical role tokens.
  lex.vocabulary.assign(pc.words().begin(), pc.words().end());
  for (const auto& [k, v] : lex.phrases)
    for (std::size_t a = 0, b; a < k.size(); a = b + 1) {
      b = k.find(' ', a);
      if (b == std::string::npos) b = k.size();
      if (b > a) lex.vocabulary.push_back(k.substr(a, b - a));
    }
  im->normalizer = text_normalizer(lex);

  std::uint64_t h = 14695981039346656037ull;
  for (const auto& f : files) h = fnv1a(fnv1a(h, f.path.substr(f.path.find_last_of('/') + 1)), f.text);
  h = fnv1a(h, kb->source_text());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  im->version = std::string(hex, 12);
  im->kb = std::move(*kb);
  return std::shared_ptr<const brain>(new brain(std::move(im)));
}

// ---------------------------------------------------------------- answering

std::string brain::impl::ask(int intent, role_set roles) const {
  const auto& a = intents[static_cast<std::size_t>(intent)].ask;
  if (roles.is_both() || roles.empty()) return a[2];
  return roles.has(role::tpm) ? a[0] : a[1];
}

reply brain::impl::compose(int intent, role_set roles, double confidence, const std::string& rule_id, int say,
                           int runner_up) const {
  const intent_def& d = intents[static_cast<std::size_t>(intent)];
  reply r;
  r.intent = d.name;
  r.confidence = std::clamp(confidence, 0.0, 1.0);
  r.rule = rule_id;
  auto add_suggestion = [&r](const std::string& s) {
    if (s.empty() || r.suggestions.size() >= 5) return;
    if (std::find(r.suggestions.begin(), r.suggestions.end(), s) == r.suggestions.end()) r.suggestions.push_back(s);
  };

  if (!d.topical) {
    const meta_answer* m = kb.meta(say >= 0 ? says[static_cast<std::size_t>(say)] : d.name);
    if (!m) m = kb.meta(d.name);
    r.text = m->text;
    if (runner_up >= 0 && intents[static_cast<std::size_t>(runner_up)].topical)
      add_suggestion(ask(runner_up, role_set::both()));
    for (const auto& s : m->suggestions) add_suggestion(s);
    return r;
  }

  r.roles = roles;
  const knowledge_topic& t = *kb.topic(d.name);
  auto add_sources = [&r](const knowledge_entry& e) {
    for (const auto& s : e.sources)
      if (std::find(r.sources.begin(), r.sources.end(), s) == r.sources.end()) r.sources.push_back(s);
  };
  if (roles.is_both()) {
    if (d.both_first && t.both) {
      r.text = t.both->text;
      add_sources(*t.both);
    }
    for (const auto* e : {&*t.tpm, &*t.pm}) {
      if (!r.text.empty()) r.text += "\n\n";
      r.text += (e == &*t.tpm ? kb.role_name(true) : kb.role_name(false)) + ": " + e->text;
      add_sources(*e);
    }
    if (!d.both_first && t.both) {
      r.text += "\n\n" + t.both->text;
      add_sources(*t.both);
    }
    if (!t.table_rows.empty()) {
      reply_table table;
      table.columns = kb.table_columns();
      for (const auto& aspect : t.table_rows)
        if (const auto* row = kb.row(aspect)) table.rows.push_back({row->aspect, row->tpm, row->pm});
      r.table = std::move(table);
    }
  } else {
    const knowledge_entry& e = roles.has(role::tpm) ? *t.tpm : *t.pm;
    r.text = e.text;
    add_sources(e);
  }

  if (runner_up >= 0 && intents[static_cast<std::size_t>(runner_up)].topical) add_suggestion(ask(runner_up, roles));
  if (!roles.is_both()) add_suggestion(ask(intent, roles.other()));
  for (const auto& s : t.suggestions) add_suggestion(s);
  return r;
}

reply brain::answer(std::string_view text, conversation& conv) const {
  const impl& im = *impl_;
  const normalized_text norm = im.normalizer.normalize(text);
  if (auto r = im.advice.before(text, norm, conv, im.kb)) return *r;  // advice: depth follow-ups, summary
  reply r = im.answer_rules(text, norm, conv);
  im.advice.after(text, norm, conv, im.kb, im.normalizer, r);  // advice: fit, questionnaire, no repeats
  return r;
}

reply brain::impl::answer_rules(std::string_view text, const normalized_text& norm, conversation& conv) const {
  const impl& im = *this;
  if (norm.words == 0) {  // only punctuation or symbols ("?")
    conv.record_meta();
    // A fallback carries the best score seen: none.
    return im.compose(im.empty_intent, role_set::none(), im.empty_intent == im.fallback ? 0.0 : 0.5, "engine.empty",
                      -1, -1);
  }
  thread_local std::vector<int> fired, vetoed;
  std::uint32_t cues = 0;
  im.rules.match(norm.text, conv.has_topic(), norm.roles, fired, cues, &vetoed);

  // A message with a preamble and a question: what fires in the question
  // counts in full, what fires only in the preamble is weighed down, and
  // roles named in the question win over roles named in passing.
  thread_local std::vector<int> focus_fired;
  focus_fired.clear();
  role_set focus_roles;
  bool focused = false;
  if (const std::string q = question_part(text); !q.empty()) {
    normalized_text focus = im.normalizer.normalize(q);
    if (focus.words > 0) {
      focus_roles = focus.roles;
      // A question about roles named only in the preamble ("... a TPM and
      // a PM. Can you define each?") still asks about them.
      if (focus.roles.empty())
        for (const auto& name : norm.roles.names()) focus.text.append(name).push_back(' ');
      std::uint32_t focus_cues = 0;
      im.rules.match(focus.text, conv.has_topic(), norm.roles, focus_fired, focus_cues);
      focused = true;
      // Rules anchored to the start or end of a message ("^ and what
      // about ...") may fire on the question alone, unless the whole
      // message rules them out.
      for (int ri : focus_fired)
        if (std::find(fired.begin(), fired.end(), ri) == fired.end() &&
            std::find(vetoed.begin(), vetoed.end(), ri) == vetoed.end())
          fired.push_back(ri);
    }
  }

  // Score intents: the best rule's weight, plus a little per extra rule.
  const auto& rules = im.rules.rules();
  struct candidate {
    int intent;
    double score;
    int rule;
  };
  std::array<candidate, 8> top{};
  std::size_t n = 0;
  double best_seen = 0.0;
  for (int ri : fired) {
    const rule& r = rules[static_cast<std::size_t>(ri)];
    if (!r.after.empty() && std::find(r.after.begin(), r.after.end(), conv.last_intent()) == r.after.end()) continue;
    const int intent = r.intent >= 0 ? r.intent : conv.last_intent();
    const bool in_question =
        !focused || std::find(focus_fired.begin(), focus_fired.end(), ri) != focus_fired.end();
    const double weight = in_question ? r.weight : r.weight - im.preamble_penalty;
    best_seen = std::max(best_seen, weight);
    auto it = std::find_if(top.begin(), top.begin() + static_cast<long>(n), [&](const candidate& c) { return c.intent == intent; });
    if (it != top.begin() + static_cast<long>(n)) {
      if (weight > it->score) {
        it->score = std::min(0.99, weight + 0.02);
        it->rule = ri;
      } else {
        it->score = std::min(0.99, it->score + 0.02);
      }
    } else if (n < top.size()) {
      top[n++] = {intent, weight, ri};
    }
  }
  std::stable_sort(top.begin(), top.begin() + static_cast<long>(n), [](const candidate& a, const candidate& b) { return a.score > b.score; });

  int intent = -1;
  double confidence = 0.0;
  const rule* winner = nullptr;
  std::string rule_id;
  if (n > 0 && top[0].score >= im.threshold) {
    intent = top[0].intent;
    confidence = top[0].score;
    winner = &rules[static_cast<std::size_t>(top[0].rule)];
    rule_id = winner->id;
  } else if (!norm.roles.empty()) {
    // A role and nothing else we recognise: continue the topic, or define it.
    intent = conv.has_topic() ? conv.last_intent() : im.role_definition;
    confidence = 0.55;
    rule_id = conv.has_topic() ? "engine.role_followup" : "engine.role_only";
  }
  int runner_up = -1;
  if (winner && n > 1 && top[1].score >= im.threshold && top[0].score - top[1].score <= im.close_margin)
    runner_up = top[1].intent;

  if (intent < 0) {
    conv.record_meta();
    return im.compose(im.fallback, role_set::none(), best_seen, "", -1, -1);
  }
  const intent_def& d = im.intents[static_cast<std::size_t>(intent)];
  if (!d.topical) {
    conv.record_meta();
    return im.compose(intent, role_set::none(), confidence, rule_id, winner ? winner->say : -1, runner_up);
  }

  // Roles: rule policy, else intent policy, else the usual resolution.
  const role_set named = !focus_roles.empty() ? focus_roles : norm.roles;
  const role_set prev = conv.has_topic() ? conv.last_roles() : role_set::none();
  role_policy policy = winner && winner->roles != role_policy::resolve ? winner->roles : d.roles;
  role_set roles;
  switch (policy) {
    case role_policy::both:
      roles = role_set::both();
      break;
    case role_policy::other:
      roles = !prev.empty() ? prev.other() : named;
      break;
    case role_policy::previous:
      roles = prev;
      break;
    case role_policy::add:
      roles = prev | named;
      break;
    case role_policy::resolve:
      if ((cues & im.cue_bits[1]) && named.empty() && !prev.empty()) roles = prev.other();
      else if ((cues & im.cue_bits[0]) || named.is_both() || (cues & im.cue_bits[2])) roles = role_set::both();
      else if (!named.empty()) roles = named;
      else roles = prev;
      break;
  }
  if (roles.empty()) roles = role_set::both();
  conv.record_topical(intent, roles);
  return im.compose(intent, roles, confidence, rule_id, winner ? winner->say : -1, runner_up);
}

}  // namespace advisor
