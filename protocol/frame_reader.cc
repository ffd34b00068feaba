// SPDX-License-Identifier: Apache-2.0
// FrameReader: stream framing with PostgreSQL 15's length limits.
#include "protocol/frame_reader.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/wire_bytes.h"

namespace tessera::protocol {

void FrameReader::Append(std::string_view bytes) {
  Compact();
  buffer_.append(bytes.data(), bytes.size());
}

void FrameReader::Compact() {
  // Drops consumed bytes once they are the larger part of the buffer, so appends stay amortised O(1).
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
}

bool FrameReader::Next(Frame* frame) {
  const char* data = buffer_.data() + consumed_;
  size_t available = buffered_bytes();
  size_t header_size = startup_phase_ ? 4 : 5;
  char type = 0;
  if (!startup_phase_) {
    if (available < 1) return false;
    // The type is checked before the length arrives, as PostgreSQL does, so garbage fails fast.
    type = data[0];
    if (MaxFrontendMessageLength(type) == 0) {
      throw SqlError(SqlState::kProtocolViolation,
                     fmt::format("invalid frontend message type {}", static_cast<int>(type)));
    }
  }
  if (available < header_size) return false;
  uint32_t length = LoadBigEndian32(data + header_size - 4);
  if (startup_phase_) {
    if (length < 8 || length > kMaxStartupPacketLength) {
      throw SqlError(SqlState::kProtocolViolation, "invalid length of startup packet");
    }
  } else if (length < 4 || length > MaxFrontendMessageLength(type)) {
    throw SqlError(SqlState::kProtocolViolation, "invalid message length");
  }
  size_t total = header_size + (length - 4);
  if (available < total) return false;

  frame->type = type;
  frame->body.assign(data + header_size, length - 4);
  consumed_ += total;
  if (startup_phase_) {
    int32_t code = static_cast<int32_t>(LoadBigEndian32(frame->body.data()));
    startup_phase_ = code == kSslRequestCode || code == kGssEncRequestCode;
  }
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return true;
}

}  // namespace tessera::protocol
