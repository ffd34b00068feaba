// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: conversions between dates, timestamps and timestamptz that keep
// PostgreSQL's infinities and apply the session's time zone.
#pragma once

#include <cstdint>

#include "base/datetime.h"

namespace tessera::engine::builtin {

inline bool IsFiniteDate(int32_t date) {
  return date != datetime::kDateNegInfinity && date != datetime::kDatePosInfinity;
}
inline bool IsFiniteTimestamp(int64_t timestamp) {
  return timestamp != datetime::kTimestampNegInfinity && timestamp != datetime::kTimestampPosInfinity;
}


// date -> timestamp (midnight); infinities stay infinite. Throws 22008 when out of range.
inline int64_t DateToTimestampValue(int32_t date) {
  if (date == datetime::kDateNegInfinity) return datetime::kTimestampNegInfinity;
  if (date == datetime::kDatePosInfinity) return datetime::kTimestampPosInfinity;
  return datetime::DateToTimestamp(date);
}

// A wall-clock timestamp in `zone` -> the timestamptz (UTC instant) it denotes.
inline int64_t LocalToTimestampTz(int64_t local, const datetime::TimeZone& zone) {
  return IsFiniteTimestamp(local) ? local - int64_t{zone.OffsetForLocal(local)} * datetime::kMicrosPerSecond : local;
}

// A timestamptz -> the wall-clock timestamp it shows in `zone`.
inline int64_t TimestampTzToLocal(int64_t timestamp, const datetime::TimeZone& zone) {
  return IsFiniteTimestamp(timestamp) ? timestamp + int64_t{zone.OffsetAt(timestamp)} * datetime::kMicrosPerSecond
                                      : timestamp;
}

// date -> timestamptz: midnight of that day in `zone`.
inline int64_t DateToTimestampTzValue(int32_t date, const datetime::TimeZone& zone) {
  return LocalToTimestampTz(DateToTimestampValue(date), zone);
}

// timestamp -> date (the day it falls on); infinities stay infinite.
inline int32_t TimestampToDateValue(int64_t timestamp) {
  if (timestamp == datetime::kTimestampNegInfinity) return datetime::kDateNegInfinity;
  if (timestamp == datetime::kTimestampPosInfinity) return datetime::kDatePosInfinity;
  return datetime::TimestampToDate(timestamp);
}

}  // namespace tessera::engine::builtin
