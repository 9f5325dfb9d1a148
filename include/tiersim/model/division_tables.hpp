// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace tiersim::model {

/// The rows of the real division files ([divisions] source = "csv"), as the io layer reads
/// them (io/division_reader.hpp): each row's fields as text, in file order. Codes are in
/// field 0, names in field 1 and, below provinces, the parent's code in field 2. The reader
/// checks them first: codes are unique digits and every parent code is in its parent table.
struct DivisionTables {
    std::vector<std::vector<std::string>> provinces, cities, areas, streets;
    std::string provinces_file;  ///< the provinces file's path, as diagnostics name it

    /// The rows of divisions.population_files, checked: a code of a unit in the division files,
    /// at most once over all files, and a population > 0.
    struct Population {
        std::string code;
        double persons = 0.0;
        std::string where;  ///< "FILE:LINE", for diagnostics
    };

    std::vector<Population> population;
};

}  // namespace tiersim::model
