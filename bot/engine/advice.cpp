#include "bot/engine/advice.hpp"

#include <algorithm>
#include <cctype>

#include "bot/engine/knowledge_base.hpp"
#include "bot/engine/pattern_compiler.hpp"
#include "bot/engine/text_normalizer.hpp"

namespace advisor {

namespace {

constexpr const char* choosing = "choosing_role";
constexpr const char* choosing_section = "Choosing the Right Role for Your Career";

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\''; };
  while (a < b && ws(s[a])) ++a;
  while (b > a && ws(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

// The clauses of a message: split at sentence and clause punctuation and
// at "but", "however", "though", "although", "whereas", "yet".
std::vector<std::string> clauses(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t = trim(cur);
    if (std::any_of(t.begin(), t.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }))
      out.push_back(std::move(t));
    cur.clear();
  };
  static const char* joins[] = {" but ", " however ", " though ", " although ", " whereas ", " yet ", " while "};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' || c == ',' || c == ';' || c == '!' || c == '?' || c == '\n') {
      flush();
      continue;
    }
    if (c == ' ') {
      bool split = false;
      for (const char* j : joins) {
        const std::size_t n = std::char_traits<char>::length(j);
        if (text.size() - i >= n) {
          bool eq = true;
          for (std::size_t k = 0; k < n && eq; ++k) eq = std::tolower(static_cast<unsigned char>(text[i + k])) == j[k];
          if (eq) {
            flush();
            i += n - 2;  // keep the final space as a separator
            split = true;
            break;
          }
        }
      }
      if (split) continue;
    }
    cur.push_back(c);
  }
  flush();
  return out;
}

std::string role_long(const knowledge_base& kb, const std::string& side) {
  return kb.role_name(side == "tpm") + " role";
}

std::string sentence(std::string s) {
  s = trim(s);
  if (!s.empty() && s.back() != '.' && s.back() != '?' && s.back() != '!') s.push_back('.');
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// The first sentence of a text.
std::string first_sentence(const std::string& t) {
  auto p = t.find(". ");
  return p == std::string::npos ? t : t.substr(0, p + 1);
}

bool first_person(std::string_view norm) {
  for (const char* w : {" i ", " me ", " my ", " myself ", " mine "})
    if (norm.find(w) != std::string_view::npos) return true;
  return false;
}

// Starts like a question ("what ...", "how ...", "is ...").
bool is_question(std::string_view norm) {
  for (const char* w : {" what ", " how ", " which ", " who ", " why ", " when ", " where ", " is ", " are ", " do ",
                        " does ", " can ", " should ", " would ", " will "})
    if (norm.substr(0, std::char_traits<char>::length(w)) == w) return true;
  return false;
}

void add_unique(std::vector<std::string>& v, const std::string& s, std::size_t max = 100) {
  if (s.empty() || v.size() >= max) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

void advice_engine::load(const std::filesystem::path& rules_dir, const std::filesystem::path& knowledge_dir,
                         pattern_compiler& pc, const std::vector<std::string>& intent_names,
                         std::size_t re2_max_mem, load_report& report) {
  intent_names_ = intent_names;
  traits_.load(rules_dir, knowledge_dir, pc, re2_max_mem, report);
}

int advice_engine::intent_index(std::string_view name) const {
  for (std::size_t i = 0; i < intent_names_.size(); ++i)
    if (intent_names_[i] == name) return static_cast<int>(i);
  return -1;
}

std::vector<trait_match> advice_engine::statements(std::string_view text, const text_normalizer& nz) const {
  std::vector<trait_match> out;
  int carry = -1;  // how the clause before ended: 1 for, 0 against, -1 unknown
  for (const auto& cl : clauses(text)) {
    const normalized_text n = nz.normalize(cl);
    if (traits_.is_retraction(n.text)) out.clear();  // "... scratch that, what I really like is ..."
    const std::size_t from = out.size();
    traits_.match_clause(n.text, out);
    for (std::size_t i = from; i < out.size(); ++i) {
      if (!out[i].cued && carry >= 0 && !first_person(n.text)) out[i].liked = carry == 1;
      out[i].said = cl;
    }
    if (out.size() > from) carry = out.back().liked ? 1 : 0;
  }
  return out;
}

std::optional<reply_advice> advice_engine::advise(const std::vector<profile_entry>& profile) const {
  reply_advice a;
  int tpm = 0, pm = 0;
  for (const auto& e : profile) {
    const int ti = traits_.find(e.trait);
    if (ti < 0) continue;
    const trait_def& d = traits_.traits()[static_cast<std::size_t>(ti)];
    advice_reason r;
    r.said = e.said;
    if (d.points_to == "neither")
      r.points_to = "neither";
    else
      r.points_to = e.liked ? d.points_to : (d.points_to == "tpm" ? "pm" : "tpm");
    r.because = d.because.empty() ? "the article does not speak to this" : d.because;
    if (r.points_to != "neither") r.section = d.section;
    tpm += r.points_to == "tpm";
    pm += r.points_to == "pm";
    // One reason per statement and side: merge what one clause said.
    auto same = std::find_if(a.reasons.begin(), a.reasons.end(),
                             [&](const advice_reason& x) { return x.said == r.said && x.points_to == r.points_to; });
    if (same == a.reasons.end()) {
      a.reasons.push_back(std::move(r));
    } else if (same->because.find(r.because) == std::string::npos && r.points_to != "neither") {
      same->because += "; " + r.because;
    }
  }
  if (a.reasons.empty()) return std::nullopt;
  a.fit = tpm > pm ? "tpm" : pm > tpm ? "pm" : "either";
  return a;
}

std::string advice_engine::advice_text(const knowledge_base& kb, const reply_advice& a, role_set) const {
  std::string t;
  bool any_side = false;
  for (const auto& r : a.reasons) any_side |= r.points_to != "neither";
  if (a.fit != "either") {
    t = "From what you have said, the article's contrasts point to the " + role_long(kb, a.fit) + ".";
  } else if (any_side) {
    t = "What you have said points both ways, so the article does not favour either role.";
  } else {
    t = "The article does not speak to what you have told me so far, so it does not point you to either role.";
  }
  for (const auto& r : a.reasons) {
    t += "\n\nYou said \"" + r.said + "\": ";
    if (r.points_to == "neither") {
      if (r.because == "the article does not speak to this")
        t += "the article does not speak to this.";
      else
        t += "that does not point either way, because " + r.because + ".";
    } else {
      t += "that points to the " + role_long(kb, r.points_to) + ", because " + r.because + " (" + r.section + ").";
    }
  }
  const auto* topic = kb.topic(choosing);
  if (topic) {
    if (a.fit == "tpm" && topic->tpm)
      t += "\n\n" + first_sentence(topic->tpm->text);
    else if (a.fit == "pm" && topic->pm)
      t += "\n\n" + first_sentence(topic->pm->text);
    else if (topic->both)
      t += "\n\n" + first_sentence(topic->both->text);
  }
  if (!any_side) t += " Tell me what you enjoy or are good at at work, and I can say which way the article points.";
  return t;
}

std::string advice_engine::advice_depth_text(const reply_advice& a, const std::vector<profile_entry>&) const {
  std::string t = "Here is what the article says behind each reason.";
  for (const auto& r : a.reasons) {
    t += "\n\nYou said \"" + r.said + "\": ";
    if (r.points_to == "neither" && r.because == "the article does not speak to this") {
      t += "the article says nothing about this, so it counts for neither role.";
      continue;
    }
    // The evidence of every trait behind this reason.
    std::vector<std::string> ev;
    std::string section;
    for (const auto& d : traits_.traits())
      if (!d.because.empty() && r.because.find(d.because) != std::string::npos) {
        for (const auto& e : d.evidence) add_unique(ev, e);
        if (section.empty()) section = d.section;
      }
    if (r.points_to == "neither")
      t += "it counts for neither role, because " + r.because + ". The article says:";
    else
      t += "it points to the " + std::string(r.points_to == "tpm" ? "Technical Program Manager" : "Product Manager") +
           " role, because " + r.because + ". The article (" + section + ") says:";
    for (const auto& e : ev) t += " \"" + sentence(e) + "\"";
  }
  for (const auto& [h, p] : traits_.paragraphs())
    if (h == choosing_section) t += "\n\n" + h + ": " + p;
  return t;
}

std::string advice_engine::depth_text(const knowledge_base& kb, const std::string& intent, role_set roles, int level,
                                      const conversation& conv) const {
  const knowledge_topic* t = kb.topic(intent);
  if (!t) return {};
  std::string title = t->title;
  if (!title.empty()) title[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(title[0])));
  if (level > 4) level = 3 + (level - 3) % 2;
  std::vector<const knowledge_entry*> entries;
  if (roles.has(role::tpm) && t->tpm) entries.push_back(&*t->tpm);
  if (roles.has(role::pm) && t->pm) entries.push_back(&*t->pm);
  if ((roles.is_both() || entries.empty()) && t->both) entries.push_back(&*t->both);

  if (intent == choosing && level <= 2) {
    if (auto a = advise(conv.profile()); a && level == 1) return advice_depth_text(*a, conv.profile());
  }
  if (level == 1) {
    std::string s = "In the article's own words:";
    std::vector<std::string> ev;
    for (const auto* e : entries)
      for (const auto& x : e->evidence) add_unique(ev, x);
    for (const auto& x : ev) s += "\n\n\"" + sentence(x) + "\"";
    for (const auto& aspect : t->table_rows)
      if (const auto* row = kb.row(aspect)) {
        s += "\n\nTable of Comparison, " + row->aspect + ":";
        if (roles.has(role::tpm) || roles.empty()) s += " " + kb.role_name(true) + ": " + sentence(row->tpm);
        if (roles.has(role::pm) || roles.empty()) s += " " + kb.role_name(false) + ": " + sentence(row->pm);
      }
    std::vector<std::string> secs;
    for (const auto* e : entries)
      for (const auto& x : e->sources) add_unique(secs, x);
    s += "\n\n(From: ";
    for (std::size_t i = 0; i < secs.size(); ++i) s += (i ? "; " : "") + secs[i];
    s += ".)";
    return s;
  }
  if (level == 2) {
    std::vector<std::string> secs;
    for (const auto* e : entries)
      for (const auto& x : e->sources) add_unique(secs, x);
    std::string s;
    for (const auto& sec : secs)
      for (const auto& [h, p] : traits_.paragraphs())
        if (h == sec) s += "\n\n" + h + ": " + p;
    if (s.empty())
      level = 3;
    else
      return "The article's full passage" + std::string(secs.size() > 1 ? "s" : "") + " on " + title + ":" + s;
  }
  std::string s;
  if (level == 3)
    s = "That is all the article says about " + title + "; it goes no deeper than that.";
  else
    s = "The article has nothing more on " + title + " than what I have given you.";
  if (!t->suggestions.empty())
    s += " You could ask: " + t->suggestions[static_cast<std::size_t>(level) % t->suggestions.size()];
  return s;
}

advice_engine::text_facts advice_engine::facts(std::string_view text, const normalized_text& norm) const {
  text_facts f;
  if (traits_.empty() || norm.words == 0) return f;
  f.summary = traits_.is_summary(norm.text);
  f.more = traits_.is_more(norm.text);
  f.example = !f.more && traits_.is_example(norm.text);
  f.traits = traits_.any_trait(norm.text);
  f.question = text.find('?') != std::string_view::npos || is_question(norm.text);
  f.me = first_person(norm.text);
  return f;
}

std::optional<reply> advice_engine::before(const normalized_text& norm, const text_facts& f, conversation& conv,
                                           const knowledge_base& kb) const {
  // Intents are kept by name: find this brain's index (or forget an intent
  // this brain does not have).
  if (!conv.last_intent_name().empty()) {
    const int i = intent_index(conv.last_intent_name());
    if (i != conv.last_intent()) conv.set_topic(i, i < 0 ? std::string() : conv.last_intent_name(), conv.last_roles());
  } else if (conv.last_intent() >= 0) {
    const auto i = static_cast<std::size_t>(conv.last_intent());
    if (i < intent_names_.size())
      conv.set_topic(conv.last_intent(), intent_names_[i], conv.last_roles());
    else
      conv.set_topic(-1, {}, conv.last_roles());
  }
  conv.begin_turn();
  if (traits_.empty() || norm.words == 0) return std::nullopt;

  if (f.summary) {
    const knowledge_topic* def = kb.topic("role_definition");
    const knowledge_topic* cmp = kb.topic("comparison");
    const int ci = intent_index("comparison");
    if (!def || !def->both || !cmp || ci < 0) return std::nullopt;
    reply r;
    r.intent = "comparison";
    r.roles = role_set::both();
    r.confidence = 0.9;
    r.rule = "advice.summary";
    r.text = def->both->text;
    r.sources = def->both->sources;
    add_unique(r.sources, "Table of Comparison");
    reply_table table;
    table.columns = kb.table_columns();
    for (const auto& [aspect, unused] : std::vector<std::pair<std::string, int>>{{"Primary Focus", 0},
                                                                                 {"Core Responsibilities", 0},
                                                                                 {"Technical Expertise", 0},
                                                                                 {"Key Metrics", 0},
                                                                                 {"Stakeholder Interaction", 0},
                                                                                 {"Decision Making", 0}})
      if (const auto* row = kb.row(aspect)) table.rows.push_back({row->aspect, row->tpm, row->pm});
    r.table = std::move(table);
    for (const auto& s : cmp->suggestions) add_unique(r.suggestions, s, 5);
    if (conv.last_text_hash() == conversation::hash_text(r.text))
      r.text = depth_text(kb, "comparison", r.roles, 1, conv);
    conv.record_topical(ci, "comparison", r.roles);
    conv.set_depth(0);
    conv.set_last_text_hash(conversation::hash_text(r.text));
    return r;
  }

  const bool more = f.more;
  const bool example = f.example;
  if ((!more && !example) || conv.last_intent() < 0) return std::nullopt;
  const std::string intent = conv.last_intent_name();
  const role_set roles = conv.last_roles().empty() ? role_set::both() : conv.last_roles();
  const knowledge_topic* t = kb.topic(intent);
  if (!t) return std::nullopt;
  // "for example?": the article has none; give its own words (or, right
  // after those, the full passages).
  int level = example ? (conv.depth() == 1 ? 2 : 1) : conv.depth() + 1;
  std::string text = depth_text(kb, intent, roles, level, conv);
  if (conversation::hash_text(text) == conv.last_text_hash()) text = depth_text(kb, intent, roles, ++level, conv);
  // Deeper means more: when the article's own words are no longer than the
  // answer they back, add the full passages.
  std::size_t answer_size = 0;  // about the size of the ordinary answer
  if (roles.has(role::tpm) && t->tpm) answer_size += t->tpm->text.size() + 32;
  if (roles.has(role::pm) && t->pm) answer_size += t->pm->text.size() + 32;
  if (roles.is_both() && t->both) answer_size += t->both->text.size() + 2;
  if (level == 1 && intent != choosing && text.size() <= answer_size) {
    if (std::string deeper = depth_text(kb, intent, roles, 2, conv); deeper.rfind("That is all", 0) != 0) {
      text += "\n\n" + deeper;
      level = 2;
    }
  }
  if (example) {
    std::string title = t->title.empty() ? std::string("this") : t->title;
    title[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(title[0])));
    text = "The article gives no concrete examples of " + title + "; here is what it does say. " + text;
  }
  reply r;
  r.intent = intent;
  r.roles = roles;
  r.confidence = 0.9;
  r.rule = example ? "advice.example" : "advice.depth";
  r.text = std::move(text);
  if (roles.has(role::tpm) && t->tpm)
    for (const auto& x : t->tpm->sources) add_unique(r.sources, x);
  if (roles.has(role::pm) && t->pm)
    for (const auto& x : t->pm->sources) add_unique(r.sources, x);
  if (roles.is_both() && t->both)
    for (const auto& x : t->both->sources) add_unique(r.sources, x);
  if (r.sources.empty()) r.sources.push_back(choosing_section);
  if (intent == choosing) {
    if (auto a = advise(conv.profile())) r.advice = std::move(a);
  }
  for (const auto& s : t->suggestions) add_unique(r.suggestions, s, 5);
  conv.record_topical(conv.last_intent(), intent, roles);
  conv.set_depth(level);
  conv.set_last_text_hash(conversation::hash_text(r.text));
  return r;
}

void advice_engine::after(std::string_view text, const normalized_text& norm, const text_facts& f,
                          conversation& conv, const knowledge_base& kb, const text_normalizer& nz, reply& r) const {
  const std::string prev = conv.last_intent_name();  // not yet updated: the turn before
  const bool topical = !r.sources.empty();
  auto finish = [&](reply& out) {
    if (!out.sources.empty()) {
      const int i = intent_index(out.intent);
      if (conversation::hash_text(out.text) == conv.last_text_hash() && i >= 0 && out.intent == prev) {
        const int level = conv.depth() + 1;
        out.text = depth_text(kb, out.intent, out.roles, level, conv);
        conv.set_depth(level);
      } else {
        conv.set_depth(0);
      }
      conv.set_topic(i, out.intent, out.roles);
    } else {
      conv.set_depth(0);
    }
    conv.set_last_text_hash(conversation::hash_text(out.text));
  };
  if (traits_.empty()) return finish(r);

  const bool has_traits = f.traits;
  const int quiz = conv.quiz_step();
  const bool in_choosing = prev == choosing || quiz > 0;
  // A question: a question mark, or a message that opens like one ("what
  // does the article say about ...").
  const bool question = f.question;
  const bool me = f.me;
  const bool skip = quiz > 0 && traits_.is_skip(norm.text) && norm.words <= 6;
  // An answer by the option's number or place ("1", "the first one"), or by
  // its chip's own text (the widget and the team-chat buttons send the label
  // of the chip clicked): one pick, not the statements its words contain.
  bool by_label = false;
  const int pick = [&] {
    if (quiz <= 0) return 0;
    if (norm.words <= 4)
      if (const int p = traits_.pick(norm.text)) return p;
    if (quiz > static_cast<int>(traits_.questions().size())) return 0;
    const auto& options = traits_.questions()[static_cast<std::size_t>(quiz - 1)].options;
    for (std::size_t j = 0; j < options.size(); ++j)
      if (nz.normalize(options[j].chip).text == norm.text) {
        by_label = true;
        return static_cast<int>(j) + 1;
      }
    return 0;
  }();
  const bool other_question = question && topical && r.intent != choosing && !me;

  std::optional<std::vector<trait_match>> stated;  // what the message says, worked out once
  bool to_choose = r.intent == choosing;
  if (!to_choose && has_traits && traits_.asks_choice(norm.text)) {
    // A description with a choice question: "I love X ... TPM or PM?",
    // "customers + code. which?". The description must be one: a statement
    // said for or against something, or a bare clause that is no question
    // itself, followed by a short choice question.
    const auto cl = clauses(text);
    bool short_choice = false, bare = false;
    if (cl.size() >= 2) {
      const normalized_text last = nz.normalize(cl.back());
      short_choice = last.words <= 6 && traits_.asks_choice(last.text);
      for (std::size_t i = 0; i + 1 < cl.size() && short_choice; ++i) {
        const normalized_text c = nz.normalize(cl[i]);
        if (last.words <= 3 && traits_.any_trait(c.text) && !traits_.asks_choice(c.text) && !is_question(c.text))
          bare = true;
      }
    }
    bool cued = false;
    stated = statements(text, nz);
    for (const auto& m : *stated) cued |= m.cued;
    if ((cued && (me || short_choice)) || (short_choice && bare)) to_choose = true;
  }
  if (!to_choose && in_choosing && !other_question && (has_traits || skip || pick)) to_choose = true;
  if (!to_choose) {
    if (quiz > 0) conv.set_quiz_step(0);  // asking something else leaves the questionnaire
    return finish(r);
  }

  // Roles: the rules' when they chose choosing_role themselves; otherwise
  // the one role named, else those of the choosing turn before, else both.
  role_set roles;
  if (r.intent == choosing && !r.roles.empty()) {
    roles = r.roles;
  } else if (norm.roles.count() == 1 && !in_choosing) {
    roles = norm.roles;
  } else if (in_choosing && !conv.roles_before_turn().empty() && norm.roles.empty()) {
    roles = conv.roles_before_turn();
  } else if (norm.roles.count() == 1) {
    roles = norm.roles;
  } else {
    roles = role_set::both();
  }

  // What the person said about themselves.
  bool answered = skip;
  if (!skip) {
    if (pick > 0 && quiz >= 1 && quiz <= static_cast<int>(traits_.questions().size())) {
      const auto& opt =
          traits_.questions()[static_cast<std::size_t>(quiz - 1)].options[static_cast<std::size_t>(pick - 1)];
      conv.add_to_profile({opt.trait, opt.liked, by_label ? opt.chip : trim(text) + " (" + opt.chip + ")"});
      answered = true;
    } else {
      if (!stated) stated = statements(text, nz);
      for (const auto& m : *stated) {
        conv.add_to_profile({traits_.traits()[static_cast<std::size_t>(m.trait)].id, m.liked, m.said});
        answered = true;
      }
    }
  }

  reply out;
  out.intent = choosing;
  out.roles = roles;
  out.confidence = r.intent == choosing ? r.confidence : std::max(0.8, r.confidence);
  out.sources.push_back(choosing_section);
  const knowledge_topic* topic = kb.topic(choosing);
  const auto advice = advise(conv.profile());
  const int n = static_cast<int>(traits_.questions().size());
  int next = 0;  // the question to ask now (1-based), 0 = none
  if (quiz > 0 && answered)
    next = quiz + 1 <= n ? quiz + 1 : 0;
  else if (quiz > 0)
    next = quiz;  // not an answer we could place: ask again
  else if (!advice && !has_traits)
    next = 1;
  if (next == 1 && quiz == 0) {
    out.rule = "advice.questionnaire";
    const knowledge_entry* e = nullptr;
    if (topic)
      e = roles.is_both()        ? (topic->both ? &*topic->both : nullptr)
          : roles.has(role::tpm) ? (topic->tpm ? &*topic->tpm : nullptr)
                                 : (topic->pm ? &*topic->pm : nullptr);
    out.text = (e ? e->text + "\n\n" : std::string()) + traits_.quiz_intro();
  } else if (advice) {
    out.rule = "advice.profile";
    out.advice = advice;
    out.text = advice_text(kb, *advice, roles);
    for (const auto& reason : advice->reasons) add_unique(out.sources, reason.section);
    out.sources.erase(std::remove(out.sources.begin(), out.sources.end(), std::string()), out.sources.end());
  } else {
    out.rule = "advice.nothing_known";
    out.text = "I have nothing yet that the article speaks to.";
    if (topic && topic->both) out.text += " " + first_sentence(topic->both->text);
  }
  if (next > 0) {
    out.text += "\n\nQuestion " + std::to_string(next) + " of " + std::to_string(n) + ": " +
                traits_.questions()[static_cast<std::size_t>(next - 1)].ask;
    for (const auto& o : traits_.questions()[static_cast<std::size_t>(next - 1)].options)
      add_unique(out.suggestions, o.chip, 5);
    add_unique(out.suggestions, "Skip", 5);
    conv.set_quiz_step(next);
  } else {
    conv.set_quiz_step(0);
    if (!advice || advice->fit == "either")
      for (const auto& s : traits_.typical_answers()) add_unique(out.suggestions, s, 4);
    add_unique(out.suggestions, "Why?", 5);
    if (topic)
      for (const auto& s : topic->suggestions) add_unique(out.suggestions, s, 5);
  }
  r = std::move(out);
  finish(r);
}

}  // namespace advisor
