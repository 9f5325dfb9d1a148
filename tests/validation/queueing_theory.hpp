// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

/// Closed forms of queueing theory that the validation layer compares the simulator with, and
/// the statistics of independent replications (aesthetics.md §8.5, item 3). Written here from
/// the textbook formulas, independently of the simulator's own analytic companion.
namespace tiersim::validation {

/// Erlang C: the probability that an arrival to an M/M/c queue with offered load a = λ/μ
/// (erlangs) has to wait. Computed through the stable Erlang B recursion
/// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), then C = B / (1 − ρ(1 − B)) with ρ = a/c.
/// Requires a < c.
inline double erlang_c(int c, double a) {
    double b = 1.0;
    for (int k = 1; k <= c; ++k)
        b = a * b / (k + a * b);
    const double rho = a / c;
    return b / (1.0 - rho * (1.0 - b));
}

/// M/M/c mean wait in queue Wq = C(c, a) / (cμ − λ), for arrival rate `lambda` (per hour),
/// exponential service of mean `mean_service` (hours) and `c` servers.
inline double mmc_wq(double lambda, double mean_service, int c) {
    const double mu = 1.0 / mean_service;
    return erlang_c(c, lambda * mean_service) / (c * mu - lambda);
}

/// M/M/c mean sojourn W = Wq + 1/μ.
inline double mmc_w(double lambda, double mean_service, int c) {
    return mmc_wq(lambda, mean_service, c) + mean_service;
}

/// M/M/c mean number waiting Lq = λ·Wq (Little).
inline double mmc_lq(double lambda, double mean_service, int c) {
    return lambda * mmc_wq(lambda, mean_service, c);
}

/// Erlang-A (M/M/c+M; Palm 1943, Garnett, Mandelbaum & Reiman 2002): Poisson arrivals of rate
/// `lambda` per hour, `c` exponential servers of mean `mean_service` hours and callers whose
/// patience is exponential of mean `mean_patience` hours (rate θ): a caller still waiting when
/// the patience runs out leaves. The number in the system is a birth–death chain with birth rate
/// λ and death rate min(n, c)·μ + max(n − c, 0)·θ in state n, so
///
///   π_n ∝ Π_{k=1..n} λ / (min(k, c)·μ + max(k − c, 0)·θ),
///
/// summed here until a term is below 1e-18 of the sum (the terms fall geometrically once
/// (n − c)·θ > λ). Callers leave the queue at rate θ·(n − c), so P(abandon) = θ·Lq / λ and, by
/// Little, the mean time in queue over every caller (the served and those who left) is Lq/λ.
struct ErlangA {
    double p_abandon = 0.0;
    double mean_queue_time = 0.0;  ///< hours, over every caller
};

inline ErlangA erlang_a(double lambda, double mean_service, int c, double mean_patience) {
    const double mu = 1.0 / mean_service;
    const double theta = 1.0 / mean_patience;
    double term = 1.0;
    double sum = 1.0;
    double lq = 0.0;  // Σ (n − c)·term, normalised at the end
    for (int n = 1; n < 10'000'000; ++n) {
        term *= lambda / (std::min(n, c) * mu + std::max(n - c, 0) * theta);
        sum += term;
        lq += std::max(n - c, 0) * term;
        if (n > c && term < 1e-18 * sum)
            break;
    }
    lq /= sum;
    return {theta * lq / lambda, lq / lambda};
}

/// Cobham's mean waits (1954; Gross & Harris, *Fundamentals of Queueing Theory*, §3.4) in an
/// M/M/c queue with non-preemptive priority classes of equal exponential service (mean
/// `mean_service` hours): `lambdas` are the classes' arrival rates per hour, highest priority
/// first; the result is each class's mean wait in queue, in the same order:
///
///   W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)),  W0 = C(c, a) / (cμ),  σ_k = Σ_{j≤k} λ_j / (cμ),
///
/// which is the brief's C(c, a)/(cμ − λ) × (1 − ρ)/((1 − σ_{k−1})(1 − σ_k)), since
/// cμ − λ = cμ(1 − ρ). Derivation: while every server is busy the servers free at rate cμ, so
/// an arrival of class k waits W0 (it finds them all busy with probability C, then waits
/// 1/(cμ) for the first to free), plus 1/(cμ) for each waiting ticket of classes 1..k ahead of
/// it (by Little, λ_j·W_j of class j), plus 1/(cμ) for each ticket of classes 1..k−1 that
/// arrives while it waits (λ_j·W_k of class j): W_k = W0 + Σ_{j≤k} σ'_j W_j + σ_{k−1} W_k with
/// σ'_j = λ_j/(cμ). For k = 1 that is W_1 = W0/(1 − σ_1); subtracting the equation for k − 1
/// from that for k gives the product form by induction. With one class it is Erlang C's
/// Wq = C/(cμ − λ), and the λ-weighted mean of the W_k is that Wq (conservation). Requires
/// ρ = Σλ / (cμ) < 1.
inline std::vector<double> priority_mmc_wq(const std::vector<double>& lambdas,
                                           double mean_service,
                                           int c) {
    const double mu = 1.0 / mean_service;
    double lambda = 0.0;
    for (double l : lambdas)
        lambda += l;
    const double w0 = erlang_c(c, lambda * mean_service) / (c * mu);
    std::vector<double> waits;
    double sigma_before = 0.0;
    for (double l : lambdas) {
        const double sigma = sigma_before + l / (c * mu);
        waits.push_back(w0 / ((1.0 - sigma_before) * (1.0 - sigma)));
        sigma_before = sigma;
    }
    return waits;
}

/// Pollaczek–Khinchine mean wait of M/G/1: Wq = λ·E[S²] / (2(1 − ρ)), with the service time
/// given by its mean and coefficient of variation (E[S²] = mean²·(1 + cv²)).
inline double pk_wq(double lambda, double mean_service, double cv) {
    const double rho = lambda * mean_service;
    const double second_moment = mean_service * mean_service * (1.0 + cv * cv);
    return lambda * second_moment / (2.0 * (1.0 - rho));
}

/// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom (table for 1..30,
/// then a few larger values; the normal 1.96 beyond 120).
inline double student_t_975(int dof) {
    static constexpr std::array<double, 30> table = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (dof < 1)
        return std::nan("");
    if (dof <= 30)
        return table[static_cast<std::size_t>(dof - 1)];
    if (dof <= 40)
        return 2.021;
    if (dof <= 60)
        return 2.000;
    if (dof <= 120)
        return 1.980;
    return 1.960;
}

inline double mean(const std::vector<double>& x) {
    double sum = 0.0;
    for (double v : x)
        sum += v;
    return x.empty() ? std::nan("") : sum / static_cast<double>(x.size());
}

/// Standard error of the mean, from the sample standard deviation (n − 1).
inline double standard_error(const std::vector<double>& x) {
    if (x.size() < 2)
        return std::nan("");
    const double m = mean(x);
    double ss = 0.0;
    for (double v : x)
        ss += (v - m) * (v - m);
    const auto n = static_cast<double>(x.size());
    return std::sqrt(ss / (n - 1.0) / n);
}

/// The estimate of a quantity from R independent replications (one value each).
struct Estimate {
    double mean = 0.0;
    double se = 0.0;          ///< standard error of the mean
    double half_width = 0.0;  ///< of the 95% confidence interval: t_{0.975,R−1}·SE
    int replications = 0;
};

inline Estimate estimate(const std::vector<double>& per_replication) {
    Estimate e;
    e.replications = static_cast<int>(per_replication.size());
    e.mean = mean(per_replication);
    e.se = standard_error(per_replication);
    e.half_width = student_t_975(e.replications - 1) * e.se;
    return e;
}

/// The pass rule of aesthetics.md §8.5: |mean − exact| ≤ max(4·SE, rel_tol·|exact|). Four
/// standard errors (not t·SE) keep false failures rare although the seeds are fixed.
inline double pass_tolerance(const Estimate& e, double exact, double rel_tol = 0.01) {
    return std::max(4.0 * e.se, rel_tol * std::abs(exact));
}

}  // namespace tiersim::validation
