// SPDX-License-Identifier: Apache-2.0
// CRC-32C (Castagnoli), the checksum of WAL records and segment chunks. Uses the SSE4.2 crc32 instruction
// when the CPU has it (picked once at start-up), a table-driven scalar loop otherwise; both give the same
// value. TESSERA_SIMD=scalar forces the scalar loop (tests compare the two).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

// Extends `crc` (the value returned for the bytes before, 0 to start) over `size` bytes at `data`.
uint32_t Crc32c(const void* data, size_t size, uint32_t crc = 0);

// The scalar reference, whatever the CPU.
uint32_t Crc32cScalar(const void* data, size_t size, uint32_t crc = 0);

}  // namespace tessera::simd
