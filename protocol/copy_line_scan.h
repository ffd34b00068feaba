// SPDX-License-Identifier: Apache-2.0
// The fast path of COPY FROM text and CSV input: finds the field boundaries of a "plain" line (no byte
// that needs decoding or quote tracking, only ASCII without NUL) sixteen bytes at a time with SSE2 (part
// of baseline x86-64), else eight at a time in a 64-bit word. Any other line is
// left to the general parser (copy_format.cc), which also produces every error, so this scanner only
// ever says "not mine" and never decides what a line means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::protocol {

class PlainLineScanner {
 public:
  // `delimiter` separates fields; a line holding any byte of `specials` (at most four: quote, escape,
  // backslash, carriage return), a NUL or a byte >= 0x80 is not plain.
  PlainLineScanner(char delimiter, std::string_view specials);

  // Scans the line starting at data[0], of at most `size` bytes. Returns true when the line ends with
  // '\n' within `size`, is plain, and has exactly `width` (>= 1) fields; then field_ends[i] is the offset
  // of the byte that ends field i (its delimiter, or the '\n' for the last one). Returns false otherwise,
  // with field_ends partly written.
  bool Scan(const char* data, size_t size, size_t width, uint32_t* field_ends) const;

 private:
  char delimiter_;
  char specials_[5];  // NUL, then each special byte; unused slots repeat NUL
};

}  // namespace tessera::protocol
