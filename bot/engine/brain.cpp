// Answering: one normalisation and one match per message (kept per thread
// for a text seen again: analyse()), then scoring
// (scoring.cpp), role resolution and composing (composer.cpp). Loading is in
// brain_loader.cpp.
#include "bot/engine/brain.hpp"

#include <algorithm>
#include <cmath>

#include "bot/engine/brain_impl.hpp"

namespace advisor {

brain::brain(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
brain::~brain() = default;

const welcome_message& brain::welcome() const { return impl_->welcome; }
const std::string& brain::version() const { return impl_->version; }
const std::vector<std::string>& brain::intent_names() const { return impl_->intent_names; }
std::size_t brain::rule_count() const { return impl_->rules.rules().size(); }
std::string brain::explain(std::string_view text) const { return impl_->normalizer.normalize(text).text; }
std::uint64_t brain::match_errors() const { return impl_->match_errors.load(std::memory_order_relaxed); }

namespace {

// The roles of a topical reply: the rule's policy, else the intent's, else
// the usual resolution from the named roles, the cues and the context.
role_set resolve_roles(role_policy policy, role_set named, role_set prev, std::uint64_t cues, const cue_bits& bits) {
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
      if ((cues & bits.other_role) && named.empty() && !prev.empty()) roles = prev.other();
      else if ((cues & bits.both_roles) || named.is_both() || (cues & bits.compare)) roles = role_set::both();
      else if (!named.empty()) roles = named;
      else roles = prev;
      break;
  }
  return roles.empty() ? role_set::both() : roles;
}

// What the text alone says about how sure an answer to it can be.
void describe_text(const normalized_text& norm, confidence_features& f) {
  using cf = confidence_feature;
  f[cf::words] = std::log1p(static_cast<double>(norm.words));
  f[cf::corrections] = static_cast<double>(std::min<std::size_t>(norm.corrections, 3));
  // Words in a script the rules cannot read count as words no rule uses.
  const double words = static_cast<double>(norm.words + norm.foreign_words);
  f[cf::unknown_share] =
      words > 0 ? std::min(1.0, static_cast<double>(norm.unknown_words + norm.foreign_words) / words) : 0.0;
}

// The one intent the advice step may turn an answer into (advice.cpp).
constexpr std::string_view choosing_intent = "choosing_role";

}  // namespace

reply brain::answer(std::string_view text, conversation& conv, const answer_options& options) const {
  const impl& im = *impl_;
  const impl::analysis& a = im.analyse(text);
  const normalized_text& norm = a.norm;
  // With options.explain, each reply also says why (no cost otherwise).
  impl::trace tr{text, &norm, nullptr, nullptr, -1, {}, false, conv.last_intent(),
                 conv.has_topic() ? conv.last_roles() : role_set::none()};
  tr.explain = options.explain;
  describe_text(norm, tr.features);
  const logistic_model* model = im.answer_calibration.model ? &*im.answer_calibration.model : nullptr;
  // Follow-ups that go deeper ("why?", "tell me more") and summaries are
  // answered by the advice step from the context alone.
  if (auto r = im.advice.before(norm, a.facts, conv, im.kb)) {
    tr.context_used = true;
    tr.features[confidence_feature::advice_depth] = 1.0;
    tr.features[confidence_feature::score] = r->confidence;
    if (model) r->confidence = two_decimals(model->predict(tr.features));
    if (options.explain) r->why = im.explain(tr, *r);
    if (options.features) *options.features = tr.features;
    return std::move(*r);
  }
  reply r = im.answer_rules(a, conv, tr);
  // A person describing themselves, the questionnaire, no text twice in a row.
  // (The advice step changes an answer only into choosing_role.)
  const bool rules_chose = r.intent == choosing_intent;
  im.advice.after(text, norm, a.facts, conv, im.kb, im.normalizer, r);
  if (!rules_chose && r.intent == choosing_intent) {  // the advice step chose it instead
    tr.features[confidence_feature::advice_choice] = 1.0;
    if (model) r.confidence = two_decimals(model->predict(tr.features));
  }
  if (options.explain) r.why = im.explain(tr, r);
  if (options.features) *options.features = tr.features;
  return r;
}

void brain::impl::describe_answer(confidence_features& f, double score, const scored_intents& scored,
                                  const rule* winner, const match_result& m) const {
  using cf = confidence_feature;
  f[cf::score] = score;
  // The runner-up of a rule's answer is the second intent; of a role-only
  // answer, the best intent, which fell short of the threshold.
  const candidate* other = winner ? scored.second() : scored.best();
  f[cf::margin] = score - (other ? other->score : 0.0);
  f[cf::rules_fired] = winner ? std::min(4, std::max(0, scored.best()->rules - 1)) : 0;
  f[cf::sense_cue] = (m.cues & sense_mask) != 0;
}

const brain::impl::analysis& brain::impl::analyse(std::string_view text) const {
  auto fill = [this, text](analysis& a) {
    a.norm = normalizer.normalize(text);
    // A message with a preamble and a question: the question line. A
    // question about roles named only in the preamble ("... a TPM and a PM.
    // Can you define each?") still asks about them.
    a.question.clear();
    if (!a.norm.question.empty()) {
      a.question = a.norm.question;
      if (a.norm.question_roles.empty())
        for (const auto& name : a.norm.roles.names()) a.question.append(name).push_back(' ');
    }
    a.hits.clear();
    a.status = rules.find(a.norm.text, a.question, a.hits);
    a.facts = advice.facts(text, a.norm);
  };
  thread_local analysis scratch;
  thread_local std::vector<analysis> memo;
  if (text_cache == 0 || text.size() > max_cached_text) {
    fill(scratch);
    return scratch;
  }
  if (memo.size() < text_cache) memo.resize(text_cache);
  // Two slots a text may take (a two-way set: two texts of one set both
  // stay); a new text replaces the one used longer ago.
  thread_local std::uint64_t clock = 0;
  ++clock;
  const std::size_t set = std::hash<std::string_view>{}(text) & (text_cache - 1) & ~std::size_t{1};
  for (std::size_t k = set; k < set + 2; ++k)
    if (memo[k].generation == generation && memo[k].key == text) {
      memo[k].used = clock;
      return memo[k];
    }
  analysis& a = memo[set].used <= memo[set + 1].used ? memo[set] : memo[set + 1];
  a.generation = 0;  // not a valid entry until filled
  fill(a);
  a.used = clock;
  a.key.assign(text);
  // A search that ran out of memory is tried again next time.
  a.generation = a.status == match_status::ok ? generation : 0;
  return a;
}

reply brain::impl::answer_rules(const analysis& a, conversation& conv, trace& tr) const {
  const impl& im = *this;
  const normalized_text& norm = a.norm;
  const scoring_options& opt = im.scoring;
  if (norm.words == 0) {  // only punctuation or symbols ("?")
    conv.record_meta();
    // A fallback carries the best score seen: none.
    return im.compose(im.empty_intent, role_set::none(),
                      im.empty_intent == im.fallback ? 0.0 : opt.empty_text_confidence, "engine.empty", -1, -1);
  }

  // A message with a preamble and a question: what fires in the question
  // counts in full, what fires only in the preamble is weighed down, and
  // roles named in the question win over roles named in passing.
  const bool focused = !norm.question.empty();
  thread_local match_result m;
  if (a.status != match_status::ok) {
    im.match_errors.fetch_add(1, std::memory_order_relaxed);
    conv.record_meta();
    return im.compose(im.fallback, role_set::none(), 0.0, std::string(match_error_rule), -1, -1);
  }
  im.rules.tally(a.hits, conv.has_topic(), norm.roles, m);
  tr.match = &m;
  // Another sense of a role acronym ("TPM 2.0 in the BIOS", "at 3 pm"), or a
  // request the article cannot answer: not a question about the jobs.
  if (const std::uint64_t sense_bits = m.cues & im.sense_mask) {
    for (const auto& sense : im.senses)
      if ((sense_bits & sense.bit) && (sense.always || !(m.cues & im.job_context_bit))) {
        conv.record_meta();
        tr.vetoed_by = sense.name;
        return im.compose(im.fallback, role_set::none(), 0.0, "sense." + sense.name, -1, -1);
      }
  }
  const scored_intents scored = score_intents(im.rules.rules(), m, focused, conv.last_intent(), opt);
  const auto& all_rules = im.rules.rules();
  if (tr.explain) {  // answer() explains after this returns: keep a copy
    tr.kept = scored;
    tr.scored = &tr.kept;
  }

  int intent = -1;
  double confidence = 0.0;
  const rule* winner = nullptr;
  std::string rule_id;
  const candidate* best = scored.best();
  if (best && best->score >= opt.threshold) {
    intent = best->intent;
    confidence = best->score;
    winner = &all_rules[static_cast<std::size_t>(best->rule)];
    rule_id = winner->id;
    tr.winner = best->rule;
    tr.context_used = winner->intent < 0 || !winner->after.empty();
  } else if (!norm.roles.empty() || conv.has_topic()) {
    // No rule answers a message about the jobs (a role named with no topic
    // going on, or a topic going on and no role named): the soft stage, the
    // intent whose example questions are most like it, when one is clearly
    // ahead. A role named during a topic continues it ("and for PMs?").
    const soft_stage::match s = !norm.roles.empty() && conv.has_topic() ? soft_stage::match{} : im.soft.best(norm.text);
    if (s.intent >= 0 && s.score >= opt.soft_min && s.score - s.second >= opt.soft_margin) {
      intent = s.intent;
      confidence = opt.role_only_confidence;
      rule_id = "soft." + im.intent(s.intent).name;
      tr.soft_example = s.example;
      tr.context_used = norm.roles.empty();
    } else if (!norm.roles.empty()) {
      // A role and nothing else we recognise: continue the topic, or define it.
      intent = conv.has_topic() ? conv.last_intent() : im.role_definition;
      confidence = opt.role_only_confidence;
      rule_id = conv.has_topic() ? "engine.role_followup" : "engine.role_only";
      tr.context_used = conv.has_topic();
    }
  }
  int runner_up = -1;
  if (const candidate* second = scored.second();
      winner && second && second->score >= opt.threshold && best->score - second->score <= opt.close_margin)
    runner_up = second->intent;

  if (intent < 0) {
    conv.record_meta();
    return im.compose(im.fallback, role_set::none(), scored.best_seen, "", -1, -1);
  }
  const intent_def& d = im.intent(intent);
  // The confidence: the probability that this reply is right, from how it
  // was reached, through the calibration fitted on held-out conversations.
  // (Fallbacks carry the best score seen, as the protocol says.)
  describe_answer(tr.features, confidence, scored, winner, m);
  // A soft-stage answer is described as a role-only one: no rule
  // recognised the message (the calibration has no data of its own for it).
  const bool by_soft = tr.soft_example >= 0;
  tr.features[confidence_feature::role_only] = rule_id == "engine.role_only" || by_soft;
  tr.features[confidence_feature::meta] = !d.topical;
  if (intent != im.fallback) confidence = im.answer_calibration.confidence(tr.features);
  // A role named and nothing else recognised, and the calibration says such
  // an answer is most likely wrong (other senses, requests the article
  // cannot answer, words of no rule): no answer about the role.
  if ((rule_id == "engine.role_only" || by_soft) && confidence < opt.role_only_below) {
    conv.record_meta();
    return im.compose(im.fallback, role_set::none(), scored.best_seen, "", -1, -1);
  }
  if (!d.topical) {
    conv.record_meta();
    return im.compose(intent, role_set::none(), confidence, rule_id, winner ? winner->say : -1, runner_up);
  }

  const role_set named = focused && !norm.question_roles.empty() ? norm.question_roles : norm.roles;
  const role_set prev = conv.has_topic() ? conv.last_roles() : role_set::none();
  const role_policy policy = winner && winner->roles != role_policy::resolve ? winner->roles : d.roles;
  const role_set roles = resolve_roles(policy, named, prev, m.cues, im.cues);
  if (!prev.empty() && (policy == role_policy::other || policy == role_policy::previous ||
                        policy == role_policy::add || (policy == role_policy::resolve && named.empty())))
    tr.context_used = true;
  conv.record_topical(intent, roles);
  reply r = im.compose(intent, roles, confidence, rule_id, winner ? winner->say : -1, runner_up);
  // Two topical readings as strong as each other and a low confidence: ask
  // which was meant (the best guess stays the answer).
  if (runner_up >= 0 && im.intent(runner_up).topical && best->score - scored.second()->score <= opt.clarify_margin &&
      confidence < opt.clarify_below) {
    r.clarify = true;
    std::vector<std::string> s{im.ask(intent, roles), im.ask(runner_up, roles)};
    for (auto& x : r.suggestions)
      if (x != s[0] && x != s[1] && s.size() < opt.max_suggestions) s.push_back(std::move(x));
    r.suggestions = std::move(s);
  }
  return r;
}

}  // namespace advisor
