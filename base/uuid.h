// SPDX-License-Identifier: Apache-2.0
// Uuid: PostgreSQL's uuid type, 16 bytes in network order. Values compare as their bytes do
// (memcmp), as PostgreSQL's uuid_cmp does; text input and output follow uuid_in/uuid_out.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  auto operator<=>(const Uuid& other) const = default;
  bool operator==(const Uuid& other) const = default;
};

// Parses uuid_in's forms: 32 hex digits in either case, optionally with a hyphen after any group of
// four, optionally in braces ({a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}). Throws 22P02
// `invalid input syntax for type uuid: "..."` otherwise.
Uuid ParseUuid(std::string_view text);
// Returns the lower-case, hyphenated 36-character form.
std::string FormatUuid(const Uuid& value);
// Returns a random (version 4, variant 1) uuid, as gen_random_uuid(), from the kernel's random source.
Uuid RandomUuid();

}  // namespace tessera
