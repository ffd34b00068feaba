// SPDX-License-Identifier: Apache-2.0
// MD5 digests: SQL's md5() and sqllogictest's "N values hashing to <md5>" result form.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

// Computes an MD5 digest incrementally (RFC 1321). Not for security: it fingerprints values (md5() in
// SQL, long results in sqllogictest).
class Md5 {
 public:
  Md5();

  void Update(std::string_view data);
  // Returns the digest as 32 lower-case hex digits. Call once; the object is spent afterwards.
  std::string HexDigest();

 private:
  void ProcessBlock(const uint8_t* block);

  std::array<uint32_t, 4> state_;
  std::array<uint8_t, 64> buffer_;
  uint64_t total_bytes_ = 0;
};

}  // namespace tessera
