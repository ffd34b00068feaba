// SPDX-License-Identifier: Apache-2.0
// The `json` SQL type: text that is valid JSON (RFC 8259), kept exactly as written, as PostgreSQL's json
// keeps it. Validation follows PostgreSQL's json lexer and parser, including its error details.
#pragma once

#include <string_view>

namespace tessera {

// Throws 22P02 "invalid input syntax for type json" with PostgreSQL's DETAIL ("Token "tru" is invalid.",
// "Expected ":", but found "1".", "The input string ended unexpectedly.", ...) unless `text` is one JSON
// value surrounded by optional whitespace. Like json_in, it does not check \u escapes for surrogate pairs.
void ValidateJson(std::string_view text);

}  // namespace tessera
