#pragma once
// Calibration: how a reply's confidence becomes the probability that the
// reply is right. The engine describes how it reached each answer (the
// confidence_features below); a calibration fitted on held-out
// conversations (rules' "calibration", written by `converse_eval
// --fit-calibration`) maps that description to a probability, either with
// a logistic model over all the features or, in the older form, with a
// monotone curve over the winning score alone.
//
// Thread safety: plain values and pure functions.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace advisor {

// A probability as replies carry it: in [0, 1], two decimals ("0.82", not
// "0.8200000000000001").
inline double two_decimals(double p) { return std::round(std::clamp(p, 0.0, 1.0) * 100.0) / 100.0; }

// What a wrong answer may show. Each feature is a number, most of them 0 or
// 1; rules/README.md ("Confidence") says how each is measured. These are the
// ones that predicted wrong answers on held-out sets (docs/accuracy.md lists
// those measured and dropped).
enum class confidence_feature : std::uint8_t {
  score,          // the winning raw score (role-only replies: role_only_confidence)
  margin,         // the winning score less the runner-up intent's (no runner-up: the score)
  rules_fired,    // further rules of the winning intent that fired (at most 4)
  role_only,      // engine.role_only: a role named and nothing else recognised
  meta,           // a meta intent (greeting, help, thanks, ...)
  corrections,    // words spelling corrected (at most 3)
  words,          // log(1 + words in the message)
  unknown_share,  // share of the message's words that no rule uses
  sense_cue,      // words of another sense of an acronym, kept by a job context
  advice_depth,   // answered by the advice step from context ("why?", "tl;dr")
  advice_choice,  // the advice step turned the rules' answer into choosing_role
  uncovered_share,  // EXPERIMENT
  uncovered,        // EXPERIMENT
  rival,            // EXPERIMENT
  rival_share,      // EXPERIMENT
  rival_strong,     // EXPERIMENT
  rival_mass,       // EXPERIMENT
  own_mass,         // EXPERIMENT
  rival_max,        // EXPERIMENT
  rival_sum,        // EXPERIMENT
  rule_share,       // EXPERIMENT
  rule_uncovered,   // EXPERIMENT
  rule_content_share,  // EXPERIMENT
  top_rival,        // EXPERIMENT
  rival_beats,      // EXPERIMENT
  count
};

inline constexpr std::size_t confidence_feature_count = static_cast<std::size_t>(confidence_feature::count);

// The feature's name in rules/calibration.json.
inline constexpr std::string_view feature_name(confidence_feature f) {
  constexpr std::string_view names[] = {"score",     "margin",       "rules_fired",  "role_only",
                                        "meta",      "corrections",  "words",        "unknown_share",
                                        "sense_cue", "advice_depth", "advice_choice",
                                        "uncovered_share", "uncovered", "rival", "rival_share", "rival_strong",
                                        "rival_mass", "own_mass", "rival_max", "rival_sum", "rule_share", "rule_uncovered", "rule_content_share", "top_rival", "rival_beats"};
  static_assert(std::size(names) == confidence_feature_count);
  return names[static_cast<std::size_t>(f)];
}

// The feature of a name, if there is one.
inline std::optional<confidence_feature> feature_of(std::string_view name) {
  for (std::size_t i = 0; i < confidence_feature_count; ++i)
    if (feature_name(static_cast<confidence_feature>(i)) == name) return static_cast<confidence_feature>(i);
  return std::nullopt;
}

// The description of one reply, filled by the engine as it answers.
struct confidence_features {
  std::array<double, confidence_feature_count> x{};

  double& operator[](confidence_feature f) { return x[static_cast<std::size_t>(f)]; }
  double operator[](confidence_feature f) const { return x[static_cast<std::size_t>(f)]; }
};

// A monotone map from a raw score to the probability that the reply is
// right: points (raw, p) sorted by raw, linear in between, flat outside.
// Empty: the raw score is the confidence.
struct calibration_curve {
  std::vector<std::pair<double, double>> points;

  double map(double raw) const {
    if (points.empty()) return raw;
    if (raw <= points.front().first) return points.front().second;
    if (raw >= points.back().first) return points.back().second;
    for (std::size_t i = 1; i < points.size(); ++i)
      if (raw <= points[i].first) {
        const auto& [x0, y0] = points[i - 1];
        const auto& [x1, y1] = points[i];
        return x1 == x0 ? y1 : y0 + (y1 - y0) * (raw - x0) / (x1 - x0);
      }
    return points.back().second;
  }
};

// Logistic regression: P(right) = 1 / (1 + exp(-(intercept + sum w_i x_i))).
// A feature the model does not name has weight 0.
struct logistic_model {
  double intercept = 0.0;
  std::array<double, confidence_feature_count> weights{};

  double predict(const confidence_features& f) const {
    double z = intercept;
    for (std::size_t i = 0; i < confidence_feature_count; ++i) z += weights[i] * f.x[i];
    return 1.0 / (1.0 + std::exp(-z));
  }
};

// The calibration of answers (fallbacks keep the best score seen): the
// logistic model when the rules give one, else the curve over the score.
struct calibration {
  calibration_curve curve;
  std::optional<logistic_model> model;

  double confidence(const confidence_features& f) const {
    return model ? model->predict(f) : curve.map(f[confidence_feature::score]);
  }
};

}  // namespace advisor
