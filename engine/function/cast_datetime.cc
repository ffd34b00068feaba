// SPDX-License-Identifier: Apache-2.0
// Casts among date, time, timestamp, timestamptz and interval, and the precision typmods of time(p) and
// timestamp(p), as PostgreSQL: the session's time zone for timestamptz, infinities preserved.
#include <cstdint>

#include "base/datetime.h"
#include "engine/function/cast_kernels.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/temporal_values.h"

namespace tessera::engine::builtin {

namespace {

// Microseconds since midnight of a timestamp (which may be before 2000).
int64_t TimeOfDay(int64_t timestamp) {
  int64_t time = timestamp % datetime::kMicrosPerDay;
  return time < 0 ? time + datetime::kMicrosPerDay : time;
}

// Applies `op` to the non-NULL rows, then the precision typmod of time/timestamp targets.
template <typename In, typename Out, typename Op>
void TemporalLoop(const Vector& input, const LogicalType& target, Vector& result, Op&& op) {
  ExecuteUnary<In, Out>(input, input.size(), result, op);
  if constexpr (std::is_same_v<Out, int64_t>) {
    if (target.id == TypeId::kInterval || target.typmod < 0 || target.typmod >= 6) return;
    int64_t* values = result.Data<int64_t>();
    for (idx_t row = 0; row < input.size(); ++row) {
      if (!input.IsNull(row)) values[row] = RoundToPrecision(values[row], target.typmod);
    }
  }
}

// timestamp[tz] -> time: PostgreSQL gives NULL for infinite timestamps.
// timestamp (zone nullptr) or timestamptz (local time in `zone`) -> time of day.
void TimestampToTime(const Vector& input, const LogicalType& target, Vector& result, const datetime::TimeZone* zone) {
  TemporalLoop<int64_t, int64_t>(input, target, result, [zone](int64_t timestamp) {
    if (!IsFiniteTimestamp(timestamp)) return int64_t{0};
    return TimeOfDay(zone != nullptr ? TimestampTzToLocal(timestamp, *zone) : timestamp);
  });
  const int64_t* values = input.Data<int64_t>();
  for (idx_t row = 0; row < input.size(); ++row) {
    if (!input.IsNull(row) && !IsFiniteTimestamp(values[row])) result.SetNull(row, true);
  }
}

// time, timestamptz or timetz -> timetz(typmod). A time takes the session zone's offset of today, a
// timestamptz its local time and offset in the session zone (NULL when infinite).
void CastToTimeTz(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context) {
  const TypeId source = input.type().id;
  const datetime::TimeZone& zone = context.time_zone;
  const int32_t precision = target.typmod;
  auto pack = [precision](datetime::TimeTz value) {
    value.time = RoundToPrecision(value.time, precision);
    return datetime::PackTimeTz(value);
  };
  if (source == TypeId::kTimeTz) {
    ExecuteUnary<int64_t, int64_t>(input, input.size(), result, [&](int64_t packed) { return pack(datetime::UnpackTimeTz(packed)); });
  } else if (source == TypeId::kTime) {
    const int64_t today = TimestampTzToLocal(context.transaction_timestamp, zone) -
                          TimeOfDay(TimestampTzToLocal(context.transaction_timestamp, zone));
    ExecuteUnary<int64_t, int64_t>(input, input.size(), result, [&](int64_t time) {
      return pack(datetime::TimeTz{time, zone.OffsetForLocal(today + time)});
    });
  } else {
    ExecuteUnary<int64_t, int64_t>(input, input.size(), result, [&](int64_t timestamp) {
      if (!IsFiniteTimestamp(timestamp)) return int64_t{0};
      return pack(datetime::TimeTz{TimeOfDay(TimestampTzToLocal(timestamp, zone)), zone.OffsetAt(timestamp)});
    });
    const int64_t* values = input.Data<int64_t>();
    for (idx_t row = 0; row < input.size(); ++row) {
      if (!input.IsNull(row) && !IsFiniteTimestamp(values[row])) result.SetNull(row, true);
    }
  }
}

}  // namespace

int64_t RoundToPrecision(int64_t micros, int32_t precision) {
  if (precision < 0 || precision >= 6 || !IsFiniteTimestamp(micros)) return micros;
  int64_t scale = 1;
  for (int32_t digit = precision; digit < 6; ++digit) scale *= 10;
  const int64_t half = scale / 2;
  return micros >= 0 ? (micros + half) / scale * scale : -((-micros + half) / scale * scale);
}

void CastTemporalVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context) {
  const TypeId source = input.type().id;
  const datetime::TimeZone& zone = context.time_zone;
  switch (target.id) {
    case TypeId::kDate:
      if (source == TypeId::kDate) return TemporalLoop<int32_t, int32_t>(input, target, result, [](int32_t date) { return date; });
      return TemporalLoop<int64_t, int32_t>(input, target, result, [source, &zone](int64_t timestamp) {
        return TimestampToDateValue(source == TypeId::kTimestampTz ? TimestampTzToLocal(timestamp, zone) : timestamp);
      });
    case TypeId::kTimestamp:
      if (source == TypeId::kDate) return TemporalLoop<int32_t, int64_t>(input, target, result, DateToTimestampValue);
      return TemporalLoop<int64_t, int64_t>(input, target, result, [source, &zone](int64_t timestamp) {
        return source == TypeId::kTimestampTz ? TimestampTzToLocal(timestamp, zone) : timestamp;
      });
    case TypeId::kTimestampTz:
      if (source == TypeId::kDate) {
        return TemporalLoop<int32_t, int64_t>(input, target, result, [&zone](int32_t date) { return DateToTimestampTzValue(date, zone); });
      }
      return TemporalLoop<int64_t, int64_t>(input, target, result, [source, &zone](int64_t timestamp) {
        return source == TypeId::kTimestamp ? LocalToTimestampTz(timestamp, zone) : timestamp;
      });
    case TypeId::kTime:
      if (source == TypeId::kTimestamp) return TimestampToTime(input, target, result, nullptr);
      if (source == TypeId::kTimestampTz) return TimestampToTime(input, target, result, &zone);
      if (source == TypeId::kInterval) {
        return TemporalLoop<Interval, int64_t>(input, target, result, [](const Interval& interval) { return TimeOfDay(interval.micros); });
      }
      if (source == TypeId::kTimeTz) {
        return TemporalLoop<int64_t, int64_t>(input, target, result, [](int64_t packed) { return datetime::UnpackTimeTz(packed).time; });
      }
      return TemporalLoop<int64_t, int64_t>(input, target, result, [](int64_t time) { return time; });
    case TypeId::kInterval:
      if (source == TypeId::kTime) {
        return TemporalLoop<int64_t, Interval>(input, target, result, [](int64_t time) { return Interval{time, 0, 0}; });
      }
      return TemporalLoop<Interval, Interval>(input, target, result, [&target](const Interval& interval) {
        return datetime::AdjustIntervalForTypmod(interval, target.typmod);
      });
    case TypeId::kTimeTz:
      return CastToTimeTz(input, target, result, context);
    default:
      throw SqlError(SqlState::kInternalError, "not a temporal type in a temporal cast");
  }
}

}  // namespace tessera::engine::builtin
