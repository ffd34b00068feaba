// SPDX-License-Identifier: Apache-2.0
// LZ4 block compression through liblz4's safe API.
#include "storage/encoding/lz4_block.h"

#include <lz4.h>

#include <limits>

namespace tessera::storage {

std::string Lz4Compress(std::string_view raw) {
  if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return {};
  std::string compressed(LZ4_compressBound(static_cast<int>(raw.size())), '\0');
  const int size = LZ4_compress_default(raw.data(), compressed.data(), static_cast<int>(raw.size()),
                                        static_cast<int>(compressed.size()));
  compressed.resize(size > 0 ? size : 0);
  return compressed;
}

bool Lz4Decompress(std::string_view compressed, size_t raw_size, std::string* raw) {
  constexpr size_t kMaxInt = std::numeric_limits<int>::max();
  if (compressed.size() > kMaxInt || raw_size > kMaxInt) return false;
  raw->assign(raw_size, '\0');
  const int size = LZ4_decompress_safe(compressed.data(), raw->data(), static_cast<int>(compressed.size()),
                                       static_cast<int>(raw_size));
  return size >= 0 && static_cast<size_t>(size) == raw_size;
}

}  // namespace tessera::storage
