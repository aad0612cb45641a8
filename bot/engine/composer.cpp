// Composing a reply: the text of an intent for its roles from the knowledge
// base, its sources, side-by-side table and suggestions.
#include <algorithm>
#include <cmath>

#include "bot/engine/brain_impl.hpp"

namespace advisor {

std::string brain::impl::ask(int i, role_set roles) const { return intent(i).ask.for_roles(roles); }

reply brain::impl::compose(int which, role_set roles, double confidence, const std::string& rule_id, int say,
                           int runner_up) const {
  const intent_def& d = intent(which);
  reply r;
  r.intent = d.name;
  // Two decimals, as sent ("0.82", not "0.8200000000000001").
  r.confidence = std::round(std::clamp(confidence, 0.0, 1.0) * 100.0) / 100.0;
  r.rule = rule_id;
  auto add_suggestion = [&r, this](const std::string& s) {
    if (s.empty() || r.suggestions.size() >= scoring.max_suggestions) return;
    if (std::find(r.suggestions.begin(), r.suggestions.end(), s) == r.suggestions.end()) r.suggestions.push_back(s);
  };

  if (!d.topical) {
    const meta_answer* m = kb.meta(say >= 0 ? says[static_cast<std::size_t>(say)] : d.name);
    if (!m) m = kb.meta(d.name);
    r.text = m->text;
    if (runner_up >= 0 && intent(runner_up).topical) add_suggestion(ask(runner_up, role_set::both()));
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

  if (runner_up >= 0 && intent(runner_up).topical) add_suggestion(ask(runner_up, roles));
  if (!roles.is_both()) add_suggestion(ask(which, roles.other()));
  for (const auto& s : t.suggestions) add_suggestion(s);
  return r;
}

}  // namespace advisor
