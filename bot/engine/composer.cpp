// Composing a reply: the text of an intent for its roles from the knowledge
// base, its sources, side-by-side table and suggestions.
#include <algorithm>

#include "bot/base/json_string.hpp"
#include "bot/engine/brain_impl.hpp"

namespace advisor {

namespace {

std::size_t parts_variant(role_set roles) { return roles.is_both() ? 2 : roles.has(role::tpm) ? 0 : 1; }

}  // namespace

std::string brain::impl::ask(int i, role_set roles) const { return intent(i).ask.for_roles(roles); }

void brain::impl::precompose() {
  topical_parts.assign(intents.size() * 3, {});
  for (std::size_t i = 0; i < intents.size(); ++i) {
    const intent_def& d = intents[i];
    const knowledge_topic* topic = d.topical ? kb.topic(d.name) : nullptr;
    if (!topic) continue;
    const knowledge_topic& t = *topic;
    for (const role_set roles : {role_set::of(role::tpm), role_set::of(role::pm), role_set::both()}) {
      reply_json_parts& r = topical_parts[i * 3 + parts_variant(roles)];
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
          r.text.append(kb.role_name(e == &*t.tpm)).append(": ").append(e->text);
          add_sources(*e);
        }
        if (!d.both_first && t.both) {
          r.text.append("\n\n").append(t.both->text);
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
      // The same parts as JSON, as protocol::reply_frame writes them.
      append_json_string(r.text_json, r.text);
      r.sources_json.push_back('[');
      for (std::size_t k = 0; k < r.sources.size(); ++k) {
        if (k) r.sources_json += ',';
        r.sources_json += "{\"section\":";
        append_json_string(r.sources_json, r.sources[k]);
        r.sources_json += '}';
      }
      r.sources_json += ']';
      if (r.table) {
        auto strings = [&r](const std::vector<std::string>& items) {
          r.table_json += '[';
          for (std::size_t k = 0; k < items.size(); ++k) {
            if (k) r.table_json += ',';
            append_json_string(r.table_json, items[k]);
          }
          r.table_json += ']';
        };
        r.table_json.append("{\"columns\":");
        strings(r.table->columns);
        r.table_json += ",\"rows\":[";
        for (std::size_t k = 0; k < r.table->rows.size(); ++k) {
          if (k) r.table_json += ',';
          strings(r.table->rows[k]);
        }
        r.table_json += "]}";
      }
    }
  }
}

reply brain::impl::compose(int which, role_set roles, double confidence, const std::string& rule_id, int say,
                           int runner_up) const {
  const intent_def& d = intent(which);
  reply r;
  r.intent = d.name;
  r.confidence = two_decimals(confidence);
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
  const reply_json_parts& p = topical_parts[static_cast<std::size_t>(which) * 3 + parts_variant(roles)];
  r.text = p.text;
  r.sources = p.sources;
  r.table = p.table;
  r.parts = &p;

  if (runner_up >= 0 && intent(runner_up).topical) add_suggestion(ask(runner_up, roles));
  if (!roles.is_both()) add_suggestion(ask(which, roles.other()));
  for (const auto& s : t.suggestions) add_suggestion(s);
  return r;
}

}  // namespace advisor
