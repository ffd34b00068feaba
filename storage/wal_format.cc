// SPDX-License-Identifier: Apache-2.0
// Encoding and checking of WAL file and record headers (little-endian, see storage/FORMAT.md).
#include "storage/wal_format.h"

#include <cstdio>
#include <cstring>

#include "simd/crc32c.h"

namespace tessera::storage {
namespace {

void EncodeFixed16(uint16_t value, char* out) {
  out[0] = static_cast<char>(value);
  out[1] = static_cast<char>(value >> 8);
}

uint16_t DecodeFixed16(const char* in) {
  auto bytes = reinterpret_cast<const uint8_t*>(in);
  return static_cast<uint16_t>(bytes[0] | (bytes[1] << 8));
}

void EncodeFixed64(uint64_t value, char* out) {
  EncodeFixed32(static_cast<uint32_t>(value), out);
  EncodeFixed32(static_cast<uint32_t>(value >> 32), out + 4);
}

uint64_t DecodeFixed64(const char* in) {
  return DecodeFixed32(in) | (static_cast<uint64_t>(DecodeFixed32(in + 4)) << 32);
}

}  // namespace

void EncodeFixed32(uint32_t value, char* out) {
  for (int byte = 0; byte < 4; ++byte) out[byte] = static_cast<char>(value >> (8 * byte));
}

uint32_t DecodeFixed32(const char* in) {
  auto bytes = reinterpret_cast<const uint8_t*>(in);
  return bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<uint32_t>(bytes[3]) << 24);
}

void EncodeWalFileHeader(uint64_t first_lsn, char* out) {
  EncodeFixed32(kWalMagic, out);
  EncodeFixed32(kWalFormatVersion, out + 4);
  EncodeFixed64(first_lsn, out + 8);
  EncodeFixed32(simd::Crc32c(out, 16), out + 16);
}

Status DecodeWalFileHeader(const char* in, uint64_t* first_lsn) {
  if (DecodeFixed32(in) != kWalMagic) {
    return Status(SqlState::kDataCorrupted, "invalid magic number in WAL file header");
  }
  if (DecodeFixed32(in + 16) != simd::Crc32c(in, 16)) {
    return Status(SqlState::kDataCorrupted, "incorrect checksum in WAL file header");
  }
  uint32_t version = DecodeFixed32(in + 4);
  if (version != kWalFormatVersion) {
    return Status(SqlState::kFeatureNotSupported, "WAL format version " + std::to_string(version) +
                                                      " is not supported yet");
  }
  *first_lsn = DecodeFixed64(in + 8);
  return Status::Ok();
}

void EncodeWalRecordHeader(const WalRecordHeader& header, char* out) {
  EncodeFixed32(header.payload_size, out);
  EncodeFixed16(header.type, out + 4);
  EncodeFixed16(header.flags, out + 6);
  EncodeFixed64(header.lsn, out + 8);
  EncodeFixed32(simd::Crc32c(out, 16), out + 16);
}

bool DecodeWalRecordHeader(const char* in, WalRecordHeader* header) {
  if (DecodeFixed32(in + 16) != simd::Crc32c(in, 16)) return false;
  header->payload_size = DecodeFixed32(in);
  header->type = DecodeFixed16(in + 4);
  header->flags = DecodeFixed16(in + 6);
  header->lsn = DecodeFixed64(in + 8);
  return (header->flags & ~kWalFlagWriteStart) == 0;
}

void SealWalRecord(char* record, bool write_start) {
  EncodeFixed16(write_start ? kWalFlagWriteStart : 0, record + 6);
  EncodeFixed32(simd::Crc32c(record, 16), record + 16);
  std::string_view payload(record + kWalRecordHeaderSize, DecodeFixed32(record));
  EncodeFixed32(WalRecordCrc(record, payload), record + kWalRecordHeaderSize + payload.size());
}

uint32_t WalRecordCrc(const char* encoded_header, std::string_view payload) {
  return simd::Crc32c(payload.data(), payload.size(), simd::Crc32c(encoded_header, kWalRecordHeaderSize));
}

std::string WalFileName(uint64_t first_lsn) {
  char name[32];
  std::snprintf(name, sizeof(name), "wal-%016llx.log", static_cast<unsigned long long>(first_lsn));
  return name;
}

bool ParseWalFileName(std::string_view name, uint64_t* first_lsn) {
  constexpr std::string_view kPrefix = "wal-", kSuffix = ".log";
  if (name.size() != kPrefix.size() + 16 + kSuffix.size()) return false;
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  uint64_t value = 0;
  for (char digit : name.substr(kPrefix.size(), 16)) {
    int nibble;
    if (digit >= '0' && digit <= '9') {
      nibble = digit - '0';
    } else if (digit >= 'a' && digit <= 'f') {
      nibble = digit - 'a' + 10;
    } else {
      return false;
    }
    value = (value << 4) | static_cast<uint64_t>(nibble);
  }
  *first_lsn = value;
  return true;
}

}  // namespace tessera::storage
