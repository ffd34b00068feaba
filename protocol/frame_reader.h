// SPDX-License-Identifier: Apache-2.0
// FrameReader: cuts the client's byte stream into frames (startup packets, then typed messages),
// rejecting bad types and lengths as soon as the header arrives.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/frontend_messages.h"

namespace tessera::protocol {

// Starts in the startup phase (packets are a length word plus body). After a startup packet that is not
// an SSLRequest or GSSENCRequest it switches to the normal phase (type byte, length word, body), as the
// server does once it has seen the StartupMessage.
//
// Thread safety: one thread at a time.
class FrameReader {
 public:
  // Appends received bytes.
  void Append(std::string_view bytes);

  // Moves the next complete frame into `frame` and returns true, or returns false when more bytes are
  // needed. Throws SqlError 08P01 for an unknown message type or a length out of bounds; after a throw
  // the stream cannot be resynchronised and the connection must close.
  bool Next(Frame* frame);

  bool in_startup_phase() const { return startup_phase_; }
  // Bytes received and not yet returned as frames.
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  void Compact();

  std::string buffer_;
  size_t consumed_ = 0;
  bool startup_phase_ = true;
};

}  // namespace tessera::protocol
