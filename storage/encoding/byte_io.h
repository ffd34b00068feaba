// SPDX-License-Identifier: Apache-2.0
// ByteWriter and ByteReader: little-endian fields of the chunk format (storage/FORMAT.md). The reader
// checks every size against the bytes left, so a corrupt chunk can never make it read out of bounds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace tessera::storage {

class ByteWriter {
 public:
  template <typename T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutBytes(const void* data, size_t size) { bytes_.append(static_cast<const char*>(data), size); }
  // A string as its uint32 length, then its bytes.
  void PutString(std::string_view text) {
    Put(static_cast<uint32_t>(text.size()));
    PutBytes(text.data(), text.size());
  }
  size_t size() const { return bytes_.size(); }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Reads from a byte range it does not own. Every getter returns false (and reads nothing) when the
// range does not hold the requested bytes.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  bool Get(T* value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (remaining() < sizeof(T)) return false;
    std::memcpy(value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return true;
  }
  // Points `*data` at the next `size` bytes and skips them.
  bool GetBytes(uint64_t size, std::string_view* data) {
    if (remaining() < size) return false;
    *data = bytes_.substr(position_, size);
    position_ += size;
    return true;
  }
  // Reads a string written by ByteWriter::PutString.
  bool GetString(std::string* text) {
    uint32_t size = 0;
    std::string_view data;
    if (!Get(&size) || !GetBytes(size, &data)) return false;
    text->assign(data);
    return true;
  }
  size_t remaining() const { return bytes_.size() - position_; }
  bool AtEnd() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

}  // namespace tessera::storage
