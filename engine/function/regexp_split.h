// SPDX-License-Identifier: Apache-2.0
// regexp_split_to_table / regexp_split_to_array: splitting text at the matches of a POSIX regular
// expression, shared by the scalar array function and the set-returning function of the executor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tessera::engine {

// Returns the pieces of `text` between the matches of `pattern` under `flags` (PostgreSQL's regexp flags,
// without 'g'), as PostgreSQL does: empty matches at the start or end of the text or right after another
// match do not split. `function` names the caller in errors. Throws 2201B for a bad pattern and 22023
// for the 'g' flag or an unknown flag.
std::vector<std::string> RegexpSplit(std::string_view text, std::string_view pattern, std::string_view flags,
                                     std::string_view function);

}  // namespace tessera::engine
