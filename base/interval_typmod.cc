// SPDX-License-Identifier: Apache-2.0
// Interval typmods (INTERVAL YEAR, INTERVAL DAY TO SECOND(2), INTERVAL(3)): their encoding, the
// truncation and rounding they apply, and how format_type prints them, as PostgreSQL 15.
#include <algorithm>
#include <cstdint>
#include <string>

#include "base/datetime.h"
#include "base/error.h"

namespace tessera::datetime {
namespace {

constexpr int32_t kMaxIntervalPrecision = 6;

struct RangeName {
  int32_t range;
  const char* name;
};

// The ranges the grammar produces, as intervaltypmodout names them.
constexpr RangeName kRangeNames[] = {
    {kIntervalYearBit, " year"},
    {kIntervalMonthBit, " month"},
    {kIntervalDayBit, " day"},
    {kIntervalHourBit, " hour"},
    {kIntervalMinuteBit, " minute"},
    {kIntervalSecondBit, " second"},
    {kIntervalYearBit | kIntervalMonthBit, " year to month"},
    {kIntervalDayBit | kIntervalHourBit, " day to hour"},
    {kIntervalDayBit | kIntervalHourBit | kIntervalMinuteBit, " day to minute"},
    {kIntervalDayBit | kIntervalHourBit | kIntervalMinuteBit | kIntervalSecondBit, " day to second"},
    {kIntervalHourBit | kIntervalMinuteBit, " hour to minute"},
    {kIntervalHourBit | kIntervalMinuteBit | kIntervalSecondBit, " hour to second"},
    {kIntervalMinuteBit | kIntervalSecondBit, " minute to second"},
};

// Rounds microseconds to `precision` fractional digits, halves away from zero.
int64_t RoundMicros(int64_t micros, int32_t precision) {
  int64_t scale = 1;
  for (int32_t digit = precision; digit < kMaxIntervalPrecision; ++digit) scale *= 10;
  const int64_t half = scale / 2;
  return micros >= 0 ? (micros + half) / scale * scale : -((-micros + half) / scale * scale);
}

// The unit the time part is truncated to for `range`: hours, minutes, or 0 to keep all of it.
int64_t TimeTruncationUnit(int32_t range) {
  const int32_t lowest_time = range & (kIntervalHourBit | kIntervalMinuteBit | kIntervalSecondBit);
  if (lowest_time & kIntervalSecondBit) return 0;
  if (lowest_time & kIntervalMinuteBit) return kMicrosPerMinute;
  if (lowest_time & kIntervalHourBit) return kMicrosPerHour;
  return 0;
}

}  // namespace

int32_t MakeIntervalTypmod(int32_t range, int32_t precision) {
  if (precision != kIntervalFullPrecision) {
    if (precision < 0) {
      throw SqlError(SqlState::kInvalidParameterValue,
                     "INTERVAL(" + std::to_string(precision) + ") precision must not be negative");
    }
    precision = std::min(precision, kMaxIntervalPrecision);
  }
  if (range == kIntervalFullRange && precision == kIntervalFullPrecision) return -1;
  return (range << 16) | precision;
}

int32_t IntervalTypmodRange(int32_t typmod) { return typmod < 0 ? kIntervalFullRange : (typmod >> 16) & 0x7FFF; }

int32_t IntervalTypmodPrecision(int32_t typmod) { return typmod < 0 ? kIntervalFullPrecision : typmod & 0xFFFF; }

Interval AdjustIntervalForTypmod(const Interval& interval, int32_t typmod) {
  if (typmod < 0) return interval;
  Interval result = interval;
  const int32_t range = IntervalTypmodRange(typmod);
  if (range != kIntervalFullRange) {
    if ((range & (kIntervalDayBit | kIntervalHourBit | kIntervalMinuteBit | kIntervalSecondBit)) == 0) {
      // YEAR, MONTH or YEAR TO MONTH: no days or time; YEAR also drops the months of a partial year.
      if (range == kIntervalYearBit) result.months = result.months / 12 * 12;
      result.days = 0;
      result.micros = 0;
    } else if (range == kIntervalDayBit) {
      result.micros = 0;
    } else if (const int64_t unit = TimeTruncationUnit(range); unit != 0) {
      result.micros = result.micros / unit * unit;
    }
  }
  const int32_t precision = IntervalTypmodPrecision(typmod);
  if (precision != kIntervalFullPrecision) result.micros = RoundMicros(result.micros, precision);
  return result;
}

std::string FormatIntervalTypmod(int32_t typmod) {
  if (typmod < 0) return "";
  std::string text;
  const int32_t range = IntervalTypmodRange(typmod);
  for (const RangeName& name : kRangeNames) {
    if (name.range == range) text = name.name;
  }
  const int32_t precision = IntervalTypmodPrecision(typmod);
  if (precision != kIntervalFullPrecision) text += "(" + std::to_string(precision) + ")";
  return text;
}

}  // namespace tessera::datetime
