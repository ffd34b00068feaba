// SPDX-License-Identifier: Apache-2.0
// LZ4 block compression of a chunk's string bytes. The only place LZ4 is included.
#pragma once

#include <string>
#include <string_view>

namespace tessera::storage {

std::string Lz4Compress(std::string_view raw);
// Decompresses `compressed` into `*raw`; false unless it is valid LZ4 of exactly `raw_size` bytes.
// Never reads or writes out of bounds, whatever `compressed` holds.
bool Lz4Decompress(std::string_view compressed, size_t raw_size, std::string* raw);

}  // namespace tessera::storage
