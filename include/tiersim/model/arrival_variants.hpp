// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

#include <array>
#include <cstddef>

/// How the arrivals of one ticket type at one street split (DESIGN §2.3–2.4): tickets at home,
/// at the type's own channel or online (online_share thins the window stream of an
/// online-capable type), and the four cross-province modes. Each variant is a Poisson stream
/// of its own (thinning is exact), so the simulation gives each its own generator and the
/// traffic analysis its own flow.
namespace tiersim::model {

inline constexpr std::size_t arrival_variant_count = 6;

struct ArrivalVariant {
    double share = 0.0;  ///< of the type's arrivals
    Channel channel = Channel::hotline;
    CrossMode cross = CrossMode::none;
};

inline std::array<ArrivalVariant, arrival_variant_count> arrival_variants(
    const TicketTypeSpec& type, const Levers& levers) {
    const double home = 1.0 - type.cross_province;
    const double online =
        type.online && type.channel == Channel::window ? levers.online_share : 0.0;
    // A cross-province applicant who comes in person does so at the type's own channel.
    const Channel local = type.channel == Channel::online ? Channel::online : Channel::window;
    return {{
        {home * (1.0 - online), type.channel, CrossMode::none},
        {home * online, Channel::online, CrossMode::none},
        {type.cross_province * type.cross_modes[0], Channel::online, CrossMode::online},
        {type.cross_province * type.cross_modes[1], local, CrossMode::proxy},
        {type.cross_province * type.cross_modes[2], local, CrossMode::joint},
        {type.cross_province * type.cross_modes[3], local, CrossMode::trip_home},
    }};
}

}  // namespace tiersim::model
