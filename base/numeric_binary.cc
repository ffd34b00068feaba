// SPDX-License-Identifier: Apache-2.0
// numeric in PostgreSQL's binary format: base-10000 digits with weight, sign and display scale, to and
// from Decimal (an unscaled 128-bit integer and a scale).
#include <algorithm>
#include <string>
#include <vector>

#include "base/binary_format.h"
#include "base/error.h"

namespace tessera {

namespace {

constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPositiveInfinity = 0xD000;
constexpr uint16_t kNumericNegativeInfinity = 0xF000;
constexpr uint16_t kNumericMaxDisplayScale = 0x3FFF;
constexpr int kNumericMaxDigitCount = 1000 + 2000;  // NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE
constexpr int kDecimalDigitsPerGroup = 4;

using UInt128 = unsigned __int128;

UInt128 PowerOfTen(int exponent) {
  UInt128 result = 1;
  for (int step = 0; step < exponent; ++step) result *= 10;
  return result;
}

std::string ToDecimalDigits(UInt128 magnitude) {
  if (magnitude == 0) return "0";
  std::string digits;
  while (magnitude > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// Packs decimal digits (most significant first) into base-10000 groups.
void AppendGroups(std::string_view digits, std::vector<int16_t>* groups) {
  for (size_t start = 0; start < digits.size(); start += kDecimalDigitsPerGroup) {
    int16_t group = 0;
    for (size_t offset = 0; offset < kDecimalDigitsPerGroup; ++offset) {
      group = static_cast<int16_t>(group * 10 + (digits[start + offset] - '0'));
    }
    groups->push_back(group);
  }
}

[[noreturn]] void ThrowBinaryFormat(const char* message) {
  throw SqlError(SqlState::kInvalidBinaryRepresentation, message);
}

}  // namespace

void EncodeNumericBinary(const Decimal& value, std::string* out) {
  // Split the unscaled digits at the decimal point, pad each side to whole groups of four, then drop
  // leading and trailing zero groups as PostgreSQL's make_result does.
  bool negative = value.value < 0;
  UInt128 magnitude = negative ? -static_cast<UInt128>(value.value) : static_cast<UInt128>(value.value);
  std::string digits = ToDecimalDigits(magnitude);
  int scale = std::max(value.scale, 0);
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  std::string integral = digits.substr(0, digits.size() - scale);
  std::string fraction = digits.substr(digits.size() - scale);
  integral.insert(0, (kDecimalDigitsPerGroup - integral.size() % kDecimalDigitsPerGroup) % kDecimalDigitsPerGroup, '0');
  fraction.append((kDecimalDigitsPerGroup - fraction.size() % kDecimalDigitsPerGroup) % kDecimalDigitsPerGroup, '0');

  std::vector<int16_t> groups;
  AppendGroups(integral, &groups);
  int weight = static_cast<int>(groups.size()) - 1;
  AppendGroups(fraction, &groups);
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) {  // zero
    weight = 0;
    negative = false;
  }

  ByteWriter writer(out);
  writer.WriteInt16(static_cast<int16_t>(last - first));
  writer.WriteInt16(static_cast<int16_t>(weight));
  writer.WriteInt16(static_cast<int16_t>(negative ? kNumericNegative : kNumericPositive));
  writer.WriteInt16(static_cast<int16_t>(scale));
  for (size_t index = first; index < last; ++index) writer.WriteInt16(groups[index]);
}

Decimal DecodeNumericBinary(ByteReader& reader) {
  uint16_t digit_count = reader.ReadUint16();
  if (digit_count > kNumericMaxDigitCount) ThrowBinaryFormat("invalid length in external \"numeric\" value");
  int weight = reader.ReadInt16();
  uint16_t sign = reader.ReadUint16();
  if (sign != kNumericPositive && sign != kNumericNegative && sign != kNumericNaN &&
      sign != kNumericPositiveInfinity && sign != kNumericNegativeInfinity) {
    ThrowBinaryFormat("invalid sign in external \"numeric\" value");
  }
  uint16_t display_scale = reader.ReadUint16();
  if (display_scale > kNumericMaxDisplayScale) ThrowBinaryFormat("invalid scale in external \"numeric\" value");
  std::vector<int> groups(digit_count);
  for (int& group : groups) {
    group = reader.ReadInt16();
    if (group < 0 || group >= 10000) ThrowBinaryFormat("invalid digit in external \"numeric\" value");
  }
  if (sign != kNumericPositive && sign != kNumericNegative) {
    throw SqlError(SqlState::kFeatureNotSupported, "numeric NaN and infinity are not supported");
  }

  // Each group is worth group * 10^(4 * (weight - index)); scaled by 10^dscale it becomes an integer, or
  // loses its low digits (PostgreSQL truncates digits hidden by dscale).
  const UInt128 limit = PowerOfTen(Decimal::kMaxDigits);  // exclusive bound of 38 digits
  auto overflow = [] {
    return SqlError(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
  };
  if (display_scale > Decimal::kMaxDigits) throw overflow();
  UInt128 unscaled = 0;
  for (size_t index = 0; index < groups.size(); ++index) {
    if (groups[index] == 0) continue;
    int exponent = kDecimalDigitsPerGroup * (weight - static_cast<int>(index)) + display_scale;
    UInt128 contribution;
    if (exponent >= 0) {
      if (exponent >= Decimal::kMaxDigits) throw overflow();
      contribution = static_cast<UInt128>(groups[index]) * PowerOfTen(exponent);
    } else {
      contribution = exponent <= -kDecimalDigitsPerGroup ? 0 : groups[index] / static_cast<int>(PowerOfTen(-exponent));
    }
    unscaled += contribution;
    if (unscaled >= limit) throw overflow();
  }
  Decimal result;
  result.value = sign == kNumericNegative ? -static_cast<__int128>(unscaled) : static_cast<__int128>(unscaled);
  result.scale = display_scale;
  return result;
}

}  // namespace tessera
