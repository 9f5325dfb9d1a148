// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>
#include <vector>

namespace tiersim::serve {

/// A file of the page, embedded at build time (cmake/EmbedWorkbench.cmake).
struct Asset {
    std::string_view path;  ///< "/index.html", "/app.js", "/echarts.min.js", …
    std::string_view content_type;
    std::string_view text;
};

const std::vector<Asset>& workbench_assets();

}  // namespace tiersim::serve
