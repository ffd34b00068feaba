// SPDX-License-Identifier: Apache-2.0
// The on-disk layout of WAL files and records (format version 1, described in storage/FORMAT.md,
// "## WAL files"): encoding and checking of the file header and the record header and trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tessera::storage {

inline constexpr uint32_t kWalMagic = 0x4C415754;  // "TWAL" little-endian
inline constexpr uint32_t kWalFormatVersion = 1;
inline constexpr size_t kWalFileHeaderSize = 20;    // magic, version, first LSN, CRC
inline constexpr size_t kWalRecordHeaderSize = 20;  // payload size, type, flags, LSN, header CRC
inline constexpr size_t kWalRecordTrailerSize = 4;  // CRC over header and payload
inline constexpr size_t kWalRecordOverhead = kWalRecordHeaderSize + kWalRecordTrailerSize;
inline constexpr uint32_t kWalMaxPayloadSize = 256u << 20;

// Record flag: the record is the first of one write(2) call. Only the last write of a file can be torn
// by a crash, so a defect followed by a later intact write is corruption (see FORMAT.md).
inline constexpr uint16_t kWalFlagWriteStart = 1;

struct WalRecordHeader {
  uint32_t payload_size = 0;
  uint16_t type = 0;
  uint16_t flags = 0;
  uint64_t lsn = 0;
};

// Writes the file header of a file whose first record has `first_lsn` into out[0, kWalFileHeaderSize).
void EncodeWalFileHeader(uint64_t first_lsn, char* out);
// Checks a file header: magic, CRC and version. Returns XX001 (without file/offset detail) or 0A000 for
// a version this build cannot read.
Status DecodeWalFileHeader(const char* in, uint64_t* first_lsn);

// Writes the header, its CRC included, into out[0, kWalRecordHeaderSize).
void EncodeWalRecordHeader(const WalRecordHeader& header, char* out);
// Returns false when the header CRC does not match or unknown flag bits are set.
bool DecodeWalRecordHeader(const char* in, WalRecordHeader* header);
// Finishes a record laid out in `record` (header with payload size, type and LSN set; payload; room for
// the trailer): sets its flags, header CRC and trailer CRC.
void SealWalRecord(char* record, bool write_start);
// Returns the trailer CRC of a record: CRC-32C over its encoded header, then its payload.
uint32_t WalRecordCrc(const char* encoded_header, std::string_view payload);

void EncodeFixed32(uint32_t value, char* out);
uint32_t DecodeFixed32(const char* in);

// Returns "wal-<first LSN as 16 hex digits>.log".
std::string WalFileName(uint64_t first_lsn);
// Parses a name made by WalFileName; returns false for any other name.
bool ParseWalFileName(std::string_view name, uint64_t* first_lsn);

}  // namespace tessera::storage
