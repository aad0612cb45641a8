#pragma once
// Logistic regression for the confidence calibration (converse_eval
// --fit-calibration): Newton's method on the L2-regularised log loss, over
// standardised features, the weights given back on the features' own scale.
//
// Thread safety: plain values and pure functions.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace advisor::tools {

struct logistic_fit_options {
  double l2 = 1.0;           // penalty on the standardised weights (not the intercept)
  int max_iterations = 50;   // Newton steps
  double tolerance = 1e-10;  // stop when no weight moves more than this
};

struct logistic_fit {
  double intercept = 0.0;
  std::vector<double> weights;  // one per column; 0 for a column left out or constant
};

// Fits P(y = 1 | x) = 1 / (1 + exp(-(b + w.x))). x: rows of equal length;
// use: the columns to fit (the others get weight 0).
inline logistic_fit fit_logistic(const std::vector<std::vector<double>>& x, const std::vector<bool>& y,
                                 const std::vector<bool>& use, const logistic_fit_options& o = {}) {
  const std::size_t n = x.size(), cols = use.size();
  logistic_fit out;
  out.weights.assign(cols, 0.0);
  if (n == 0) return out;
  // Standardise the columns used; a constant column is left out.
  std::vector<std::size_t> idx;
  std::vector<double> mean, sd;
  for (std::size_t j = 0; j < cols; ++j) {
    if (!use[j]) continue;
    double m = 0.0, v = 0.0;
    for (const auto& r : x) m += r[j];
    m /= static_cast<double>(n);
    for (const auto& r : x) v += (r[j] - m) * (r[j] - m);
    v = std::sqrt(v / static_cast<double>(n));
    if (v < 1e-9) continue;
    idx.push_back(j);
    mean.push_back(m);
    sd.push_back(v);
  }
  const std::size_t d = idx.size() + 1;  // intercept last
  std::vector<std::vector<double>> z(n, std::vector<double>(d, 1.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k + 1 < d; ++k) z[i][k] = (x[i][idx[k]] - mean[k]) / sd[k];
  std::vector<double> beta(d, 0.0);
  for (int it = 0; it < o.max_iterations; ++it) {
    std::vector<double> grad(d, 0.0);
    std::vector<std::vector<double>> h(d, std::vector<double>(d, 0.0));
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (std::size_t k = 0; k < d; ++k) s += beta[k] * z[i][k];
      const double p = 1.0 / (1.0 + std::exp(-s));
      const double r = p - (y[i] ? 1.0 : 0.0), w = std::max(p * (1.0 - p), 1e-12);
      for (std::size_t k = 0; k < d; ++k) {
        grad[k] += r * z[i][k];
        for (std::size_t l = 0; l <= k; ++l) h[k][l] += w * z[i][k] * z[i][l];
      }
    }
    for (std::size_t k = 0; k < d; ++k)
      for (std::size_t l = 0; l < k; ++l) h[l][k] = h[k][l];
    for (std::size_t k = 0; k + 1 < d; ++k) {
      grad[k] += o.l2 * beta[k];
      h[k][k] += o.l2;
    }
    // Solve h * step = grad (Gaussian elimination with partial pivoting).
    std::vector<double> step = grad;
    for (std::size_t c = 0; c < d; ++c) {
      std::size_t piv = c;
      for (std::size_t r = c + 1; r < d; ++r)
        if (std::abs(h[r][c]) > std::abs(h[piv][c])) piv = r;
      std::swap(h[c], h[piv]);
      std::swap(step[c], step[piv]);
      if (std::abs(h[c][c]) < 1e-15) continue;
      for (std::size_t r = c + 1; r < d; ++r) {
        const double f = h[r][c] / h[c][c];
        for (std::size_t k = c; k < d; ++k) h[r][k] -= f * h[c][k];
        step[r] -= f * step[c];
      }
    }
    for (std::size_t c = d; c-- > 0;) {
      for (std::size_t k = c + 1; k < d; ++k) step[c] -= h[c][k] * step[k];
      step[c] = std::abs(h[c][c]) < 1e-15 ? 0.0 : step[c] / h[c][c];
    }
    double moved = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      beta[k] -= step[k];
      moved = std::max(moved, std::abs(step[k]));
    }
    if (moved < o.tolerance) break;
  }
  // Back to the features' own scale.
  out.intercept = beta[d - 1];
  for (std::size_t k = 0; k + 1 < d; ++k) {
    out.weights[idx[k]] = beta[k] / sd[k];
    out.intercept -= beta[k] * mean[k] / sd[k];
  }
  return out;
}

inline double predict(const logistic_fit& f, const std::vector<double>& x) {
  double s = f.intercept;
  for (std::size_t j = 0; j < f.weights.size(); ++j) s += f.weights[j] * x[j];
  return 1.0 / (1.0 + std::exp(-s));
}

}  // namespace advisor::tools
