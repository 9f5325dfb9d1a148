// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/log_histogram.hpp"

namespace tiersim::model {

/// Quantile q in (0, 1] of the Kaplan–Meier estimate of a time-to-event distribution (lead
/// times: created → closed) from two LogHistograms over the same subjects: `events`, the times
/// of those whose event was seen (closed), and `censored`, the times up to which the others
/// were seen without it (still open at the end: end − created).
///
/// The estimate runs over the buckets in increasing order: at each bucket with d events among
/// the n subjects still at risk, the survival S is multiplied by (n − d)/n; censorings in a
/// bucket are taken to come after its events (the usual convention for ties, applied to the
/// 0.39% bucket width). The quantile is the first bucket where 1 − S reaches q (within 1e-12,
/// the rounding of the product), reported as LogHistogram::value_in does for `events`. So the
/// estimate is the exact Kaplan–Meier of the times rounded to their bucket, its quantile about
/// a bucket from the exact estimate's (the unit tests require 1.5 widths, 0.6%); with nothing
/// censored it is the empirical distribution and the answer is events.quantile(q).
/// NaN when there are no events or when S never falls to 1 − q (too many still open).
[[nodiscard]] double kaplan_meier_quantile(const LogHistogram& events,
                                           const LogHistogram& censored,
                                           double q);

}  // namespace tiersim::model
