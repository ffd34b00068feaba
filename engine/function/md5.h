// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: the MD5 digest (RFC 1321) for md5(text) and md5(bytea).
#pragma once

#include <string>
#include <string_view>

namespace tessera::engine::builtin {

// Returns the digest of `bytes` as 32 lower-case hexadecimal digits.
std::string Md5Hex(std::string_view bytes);

}  // namespace tessera::engine::builtin
