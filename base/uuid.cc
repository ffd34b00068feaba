// SPDX-License-Identifier: Apache-2.0
#include "base/uuid.h"

#include <sys/random.h>

#include <cerrno>

#include "base/error.h"

namespace tessera {
namespace {

int HexDigit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

[[noreturn]] void ThrowSyntax(std::string_view text) {
  throw SqlError(SqlState::kInvalidTextRepresentation, "invalid input syntax for type uuid: \"" + std::string(text) + "\"");
}

}  // namespace

Uuid ParseUuid(std::string_view text) {
  Uuid value;
  size_t pos = 0;
  const bool braces = !text.empty() && text[0] == '{';
  if (braces) ++pos;
  for (size_t index = 0; index < value.bytes.size(); ++index) {
    if (pos + 1 >= text.size()) ThrowSyntax(text);
    const int high = HexDigit(text[pos]);
    const int low = HexDigit(text[pos + 1]);
    if (high < 0 || low < 0) ThrowSyntax(text);
    value.bytes[index] = static_cast<uint8_t>(high * 16 + low);
    pos += 2;
    // As uuid_in: a hyphen may follow every second byte but the last.
    if (pos < text.size() && text[pos] == '-' && index % 2 == 1 && index + 1 < value.bytes.size()) ++pos;
  }
  if (braces) {
    if (pos >= text.size() || text[pos] != '}') ThrowSyntax(text);
    ++pos;
  }
  if (pos != text.size()) ThrowSyntax(text);
  return value;
}

std::string FormatUuid(const Uuid& value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t index = 0; index < value.bytes.size(); ++index) {
    if (index == 4 || index == 6 || index == 8 || index == 10) out += '-';
    out += kDigits[value.bytes[index] >> 4];
    out += kDigits[value.bytes[index] & 0xf];
  }
  return out;
}

Uuid RandomUuid() {
  Uuid value;
  size_t filled = 0;
  while (filled < value.bytes.size()) {
    const ssize_t got = getrandom(value.bytes.data() + filled, value.bytes.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw SqlError(SqlState::kInternalError, "could not generate random values");
    }
    filled += static_cast<size_t>(got);
  }
  value.bytes[6] = static_cast<uint8_t>((value.bytes[6] & 0x0f) | 0x40);  // version 4
  value.bytes[8] = static_cast<uint8_t>((value.bytes[8] & 0x3f) | 0x80);  // variant RFC 4122
  return value;
}

}  // namespace tessera
