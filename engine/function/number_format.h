// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: to_char(number, pattern) as PostgreSQL formats numbers: digit positions
// 9 and 0, decimal point . D, group separators , G, signs S MI PL SG PR, EEEE, V, TH, RN, L, FM and
// quoted literals.
#pragma once

#include <string>
#include <string_view>

#include "base/decimal.h"

namespace tessera::engine::builtin {

// Formats an exact number (numeric and integers).
std::string FormatNumber(const Decimal& value, std::string_view pattern);
// Formats a float with at most `significant_digits` digits (15 for float8, 6 for float4), as PostgreSQL.
std::string FormatFloatNumber(double value, std::string_view pattern, int significant_digits);

}  // namespace tessera::engine::builtin
