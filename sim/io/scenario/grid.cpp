// SPDX-License-Identifier: MIT
// [grid]: the clock of grid data updates (review, batches, syncs) and stale shared data.
#include "io/scenario/builder.hpp"

namespace tiersim::io::detail {

void Builder::read_grid(const toml::table& root) {
    const toml::table& t = table_or_empty(&root, "", "grid");
    auto& g = spec_.grid;
    const std::string path = "grid";
    check_keys(t, path);
    const bool median_ok = read_number(t, path, "review_median_wd", g.review_median_wd) ||
                           t.get("review_median_wd") == nullptr;
    const bool p90_ok =
        read_number(t, path, "review_p90_wd", g.review_p90_wd) || t.get("review_p90_wd") == nullptr;
    if (median_ok && p90_ok && g.review_p90_wd < g.review_median_wd) {
        // A lognormal's 90th percentile lies above its median.
        error(t.get("review_p90_wd") != nullptr ? "grid.review_p90_wd" : "grid.review_median_wd",
              "grid.review_p90_wd: expected a number >= grid.review_median_wd (" +
                  number_text(g.review_median_wd) + "), got " + number_text(g.review_p90_wd));
    }
    if (median_ok && p90_ok && g.review_median_wd == 0.0 && g.review_p90_wd > 0.0) {
        error("grid.review_p90_wd",
              "grid.review_p90_wd: expected grid.review_median_wd > 0 with it (the review "
              "takes no time without a median)");
    }
    read_number(t, path, "city_batch_h", g.city_batch_h);
    read_number(t, path, "city_batch_hour", g.city_batch_hour);
    read_number(t, path, "province_sync_days", g.province_sync_days);
    read_number(t, path, "province_sync_hour", g.province_sync_hour);
    read_number(t, path, "stale_after_days", g.stale_after_days);
}

}  // namespace tiersim::io::detail
