// SPDX-License-Identifier: Apache-2.0
// UTF-8 validation of client text, as PostgreSQL's pg_verify_mbstr does for a UTF8 database.
#pragma once

#include <string_view>

namespace tessera {

// Returns the number of leading bytes of `text` that form valid UTF-8 without NUL characters.
size_t ValidUtf8Prefix(std::string_view text);

// Throws SqlError 22021 `invalid byte sequence for encoding "UTF8": 0xc3 0x28` naming the first bad
// character's bytes, when `text` is not valid UTF-8 or contains a NUL.
void ValidateUtf8(std::string_view text);

}  // namespace tessera
