// SPDX-License-Identifier: Apache-2.0
// ByteReader and ByteWriter: the wire protocol's big-endian integers, C strings and length-prefixed
// messages over a byte buffer.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tessera {

// Reads one message body front to back. Every Read* throws SqlError 08P01 when the body ends early,
// with PostgreSQL's wording ("insufficient data left in message").
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  uint8_t ReadByte() { return static_cast<uint8_t>(Take(1)[0]); }
  int16_t ReadInt16() { return static_cast<int16_t>(ReadUnsigned(2)); }
  uint16_t ReadUint16() { return static_cast<uint16_t>(ReadUnsigned(2)); }
  int32_t ReadInt32() { return static_cast<int32_t>(ReadUnsigned(4)); }
  uint32_t ReadUint32() { return static_cast<uint32_t>(ReadUnsigned(4)); }
  int64_t ReadInt64() { return static_cast<int64_t>(ReadUnsigned(8)); }
  uint64_t ReadUint64() { return ReadUnsigned(8); }
  std::string_view ReadBytes(size_t count) { return Take(count); }
  // Reads up to and past the next NUL; throws 08P01 "invalid string in message" when there is none.
  std::string_view ReadCString();
  // Returns everything not read yet.
  std::string_view ReadRest() { return Take(remaining()); }

  size_t remaining() const { return bytes_.size() - position_; }
  bool AtEnd() const { return position_ == bytes_.size(); }
  // Throws 08P01 "invalid message format" when bytes are left over.
  void ExpectEnd() const;

 private:
  std::string_view Take(size_t count);
  uint64_t ReadUnsigned(size_t width);

  std::string_view bytes_;
  size_t position_ = 0;
};

// Appends messages to a caller-owned string. BeginMessage/EndMessage bracket one message and patch in
// its length; the Write* calls may also be used outside a message (payloads, startup packets).
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}

  // Writes the type byte and a length placeholder. REQUIRES: no message is open.
  void BeginMessage(char type);
  // Writes a startup-style message: only the length placeholder, no type byte.
  void BeginUntypedMessage();
  // Patches the open message's length (type byte excluded, length word included).
  void EndMessage();

  void WriteByte(uint8_t value) { out_->push_back(static_cast<char>(value)); }
  void WriteInt16(int16_t value) { WriteUnsigned(static_cast<uint16_t>(value), 2); }
  void WriteInt32(int32_t value) { WriteUnsigned(static_cast<uint32_t>(value), 4); }
  void WriteUint32(uint32_t value) { WriteUnsigned(value, 4); }
  void WriteInt64(int64_t value) { WriteUnsigned(static_cast<uint64_t>(value), 8); }
  void WriteBytes(std::string_view bytes) { out_->append(bytes.data(), bytes.size()); }
  // Writes `text` up to its first NUL (the wire cannot carry one inside a string), then a NUL.
  void WriteCString(std::string_view text);

  std::string* out() { return out_; }

 private:
  void WriteUnsigned(uint64_t value, size_t width);

  std::string* out_;
  size_t message_start_ = std::string::npos;  // offset of the open message's length word
};

// Big-endian helpers on raw memory, for callers that patch or peek at fixed offsets.
inline uint32_t LoadBigEndian32(const char* bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes);
  return (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
}
inline uint16_t LoadBigEndian16(const char* bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes);
  return static_cast<uint16_t>((uint16_t{data[0]} << 8) | data[1]);
}
inline void StoreBigEndian32(char* bytes, uint32_t value) {
  for (int index = 3; index >= 0; --index) {
    bytes[index] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
}

}  // namespace tessera
