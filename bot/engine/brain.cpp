// Answering: one normalisation and one match per message, then scoring
// (scoring.cpp), role resolution and composing (composer.cpp). Loading is in
// brain_loader.cpp.
#include "bot/engine/brain.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bot/engine/brain_impl.hpp"

namespace advisor {
thread_local std::string cov_debug;  // EXPERIMENT

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
role_set resolve_roles(role_policy policy, role_set named, role_set prev, std::uint32_t cues, const cue_bits& bits) {
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
  f[cf::unknown_share] =
      norm.words ? std::min(1.0, static_cast<double>(norm.unknown_words) / static_cast<double>(norm.words)) : 0.0;
}

// The one intent the advice step may turn an answer into (advice.cpp).
constexpr std::string_view choosing_intent = "choosing_role";

}  // namespace

reply brain::answer(std::string_view text, conversation& conv, const answer_options& options) const {
  const impl& im = *impl_;
  cov_debug.clear();
  const normalized_text norm = im.normalizer.normalize(text);
  // With options.explain, each reply also says why (no cost otherwise).
  impl::trace tr{text, &norm, nullptr, nullptr, -1, {}, false, conv.last_intent(),
                 conv.has_topic() ? conv.last_roles() : role_set::none()};
  tr.explain = options.explain;
  describe_text(norm, tr.features);
  const logistic_model* model = im.answer_calibration.model ? &*im.answer_calibration.model : nullptr;
  // Follow-ups that go deeper ("why?", "tell me more") and summaries are
  // answered by the advice step from the context alone.
  if (auto r = im.advice.before(text, norm, conv, im.kb)) {
    tr.context_used = true;
    tr.features[confidence_feature::advice_depth] = 1.0;
    tr.features[confidence_feature::score] = r->confidence;
    if (model) r->confidence = two_decimals(model->predict(tr.features));
    if (options.explain) r->why = im.explain(tr, *r);
    if (options.features) *options.features = tr.features;
    return std::move(*r);
  }
  reply r = im.answer_rules(norm, conv, tr);
  // A person describing themselves, the questionnaire, no text twice in a row.
  // (The advice step changes an answer only into choosing_role.)
  const bool rules_chose = r.intent == choosing_intent;
  im.advice.after(text, norm, conv, im.kb, im.normalizer, r);
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

void brain::impl::describe_coverage(confidence_features& f, std::string_view text, int intent,
                                    const rule* winner) const {
  using cf = confidence_feature;
  static const int generic_at = std::getenv("ADVISOR_COV_K") ? std::atoi(std::getenv("ADVISOR_COV_K")) : 6;
  const std::uint64_t own = (intent >= 0 && intent < 63 ? std::uint64_t{1} << intent : 0) |
                            (winner && winner->intent < 0 ? previous_intent_bit : 0);
  int content = 0, uncovered = 0, rival = 0, strong = 0, all = 0, by_rule = 0, content_by_rule = 0;
  const std::vector<std::string>* rw = winner ? &rule_words[static_cast<std::size_t>(winner - rules.rules().data())] : nullptr;
  double own_m = 0, rival_m = 0, rival_mx = 0;
  std::array<double, 64> per{};
  static const bool debug = std::getenv("ADVISOR_COV_DEBUG") != nullptr;
  std::string dbg;
  for (std::size_t a = 0; a < text.size();) {
    const std::size_t e = std::min(text.find(' ', a), text.size());
    if (e > a) {
      const std::string_view w = text.substr(a, e - a);
      const auto it = word_intents.find(w);
      const std::uint64_t mask = it == word_intents.end() ? 0 : it->second;
      const int n = std::popcount(mask & ~previous_intent_bit);
      ++all;
      const bool in_rule = rw && std::binary_search(rw->begin(), rw->end(), w, std::less<>());
      by_rule += in_rule;
      if (n < generic_at) content_by_rule += in_rule;
      if (n > 0) {
        const double wt = 1.0 / n;
        for (std::uint64_t b = mask & ~previous_intent_bit; b; b &= b - 1) per[static_cast<std::size_t>(std::countr_zero(b))] += wt;
        if (mask & own) own_m += wt;
        else rival_m += wt, rival_mx = std::max(rival_mx, wt);
      }
      if (n < generic_at) {
        ++content;
        if (debug) {
          char b[64];
          std::snprintf(b, sizeof b, " %.*s%s%d", static_cast<int>(std::min<std::size_t>(w.size(), 40)), w.data(),
                        mask & own ? "+" : mask ? "^" : "?", n);
          dbg += b;
        }
        if (!(mask & own)) {
          ++uncovered;
          if (mask) ++rival;
          if (mask && n <= 2) ++strong;
        }
      }
    }
    a = e + 1;
  }
  if (debug) cov_debug = intent_names[static_cast<std::size_t>(intent)] + " :" + dbg;
  f[cf::uncovered_share] = content ? static_cast<double>(uncovered) / content : 0.0;
  f[cf::uncovered] = std::min(uncovered, 4);
  f[cf::rival] = std::min(rival, 3);
  f[cf::rival_share] = content ? static_cast<double>(rival) / content : 0.0;
  f[cf::rival_strong] = std::min(strong, 3);
  f[cf::rule_share] = all ? static_cast<double>(by_rule) / all : 0.0;
  f[cf::rule_uncovered] = std::min(all - by_rule, 6);
  f[cf::rule_content_share] = content ? static_cast<double>(content_by_rule) / content : 0.0;
  double top = 0, mine = intent >= 0 && intent < 63 ? per[static_cast<std::size_t>(intent)] : 0.0;
  for (std::size_t k = 0; k < 63; ++k)
    if (static_cast<int>(k) != intent) top = std::max(top, per[k]);
  f[cf::top_rival] = top + mine > 0 ? top / (top + mine) : 0.0;
  f[cf::rival_beats] = top > mine;
  f[cf::rival_mass] = own_m + rival_m > 0 ? rival_m / (own_m + rival_m) : 0.0;
  f[cf::own_mass] = std::min(own_m, 3.0);
  f[cf::rival_max] = rival_mx;
  f[cf::rival_sum] = std::min(rival_m, 3.0);
}

reply brain::impl::answer_rules(const normalized_text& norm, conversation& conv, trace& tr) const {
  const impl& im = *this;
  const scoring_options& opt = im.scoring;
  if (norm.words == 0) {  // only punctuation or symbols ("?")
    conv.record_meta();
    // A fallback carries the best score seen: none.
    return im.compose(im.empty_intent, role_set::none(),
                      im.empty_intent == im.fallback ? 0.0 : opt.empty_text_confidence, "engine.empty", -1, -1);
  }

  // A message with a preamble and a question: what fires in the question
  // counts in full, what fires only in the preamble is weighed down, and
  // roles named in the question win over roles named in passing. A
  // question about roles named only in the preamble ("... a TPM and a PM.
  // Can you define each?") still asks about them.
  const bool focused = !norm.question.empty();
  thread_local std::string question;
  question.clear();
  if (focused) {
    question = norm.question;
    if (norm.question_roles.empty())
      for (const auto& name : norm.roles.names()) question.append(name).push_back(' ');
  }
  thread_local match_result m;
  if (im.rules.match(norm.text, question, conv.has_topic(), norm.roles, m) != match_status::ok) {
    im.match_errors.fetch_add(1, std::memory_order_relaxed);
    conv.record_meta();
    return im.compose(im.fallback, role_set::none(), 0.0, std::string(match_error_rule), -1, -1);
  }
  tr.match = &m;
  // Another sense of a role acronym ("TPM 2.0 in the BIOS", "at 3 pm"), or a
  // request the article cannot answer: not a question about the jobs.
  if (const std::uint32_t sense_bits = m.cues & im.sense_mask) {
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
  } else if (!norm.roles.empty()) {
    // A role and nothing else we recognise: continue the topic, or define it.
    intent = conv.has_topic() ? conv.last_intent() : im.role_definition;
    confidence = opt.role_only_confidence;
    rule_id = conv.has_topic() ? "engine.role_followup" : "engine.role_only";
    tr.context_used = conv.has_topic();
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
  describe_coverage(tr.features, norm.text, intent, winner);
  tr.features[confidence_feature::role_only] = rule_id == "engine.role_only";
  tr.features[confidence_feature::meta] = !d.topical;
  if (intent != im.fallback) confidence = im.answer_calibration.confidence(tr.features);
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
