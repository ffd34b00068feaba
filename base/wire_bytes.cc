// SPDX-License-Identifier: Apache-2.0
// ByteReader and ByteWriter: bounds-checked reads and length-patching writes of wire messages.
#include "base/wire_bytes.h"

#include "base/check.h"

namespace tessera {

std::string_view ByteReader::Take(size_t count) {
  if (count > remaining()) {
    throw SqlError(SqlState::kProtocolViolation, "insufficient data left in message");
  }
  std::string_view result = bytes_.substr(position_, count);
  position_ += count;
  return result;
}

uint64_t ByteReader::ReadUnsigned(size_t width) {
  std::string_view bytes = Take(width);
  uint64_t value = 0;
  for (char byte : bytes) value = (value << 8) | static_cast<uint8_t>(byte);
  return value;
}

std::string_view ByteReader::ReadCString() {
  size_t end = bytes_.find('\0', position_);
  if (end == std::string_view::npos) {
    throw SqlError(SqlState::kProtocolViolation, "invalid string in message");
  }
  std::string_view result = bytes_.substr(position_, end - position_);
  position_ = end + 1;
  return result;
}

void ByteReader::ExpectEnd() const {
  if (!AtEnd()) throw SqlError(SqlState::kProtocolViolation, "invalid message format");
}

void ByteWriter::BeginMessage(char type) {
  TESSERA_DCHECK(message_start_ == std::string::npos);
  out_->push_back(type);
  BeginUntypedMessage();
}

void ByteWriter::BeginUntypedMessage() {
  message_start_ = out_->size();
  out_->append(4, '\0');
}

void ByteWriter::EndMessage() {
  TESSERA_DCHECK(message_start_ != std::string::npos);
  StoreBigEndian32(out_->data() + message_start_, static_cast<uint32_t>(out_->size() - message_start_));
  message_start_ = std::string::npos;
}

void ByteWriter::WriteCString(std::string_view text) {
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) text = text.substr(0, nul);
  out_->append(text.data(), text.size());
  out_->push_back('\0');
}

void ByteWriter::WriteUnsigned(uint64_t value, size_t width) {
  char bytes[8];
  for (size_t index = 0; index < width; ++index) {
    bytes[width - 1 - index] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out_->append(bytes, width);
}

}  // namespace tessera
