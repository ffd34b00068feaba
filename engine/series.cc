// SPDX-License-Identifier: Apache-2.0
#include "engine/series.h"

#include "base/datetime.h"
#include "base/error.h"

namespace tessera::engine {

Series::Series(const LogicalType& type, const std::vector<Value>& args) {
  for (const auto& arg : args) finished_ = finished_ || arg.is_null();
  if (finished_) return;
  if (type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz) {
    temporal_ = true;
    current_ = args[0].GetInt();
    stop_ = args[1].GetInt();
    interval_ = args[2].GetInterval();
    const Interval zero;
    if (datetime::CompareIntervals(interval_, zero) == 0) {
      throw SqlError(SqlState::kInvalidParameterValue, "step size cannot equal zero");
    }
    step_ = datetime::CompareIntervals(interval_, zero) > 0 ? 1 : -1;
    return;
  }
  if (type.id == TypeId::kNumeric) {
    decimal_current_ = args[0].GetDecimal();
    decimal_stop_ = args[1].GetDecimal();
    decimal_step_ = args.size() > 2 ? args[2].GetDecimal() : Decimal::FromInt64(1);
    if (decimal_step_.Sign() == 0) throw SqlError(SqlState::kInvalidParameterValue, "step size cannot equal zero");
    return;
  }
  current_ = args[0].GetInt();
  stop_ = args[1].GetInt();
  step_ = args.size() > 2 ? args[2].GetInt() : 1;
  if (step_ == 0) throw SqlError(SqlState::kInvalidParameterValue, "step size cannot equal zero");
}

bool Series::Next(int64_t* value) {
  if (finished_ || (step_ > 0 ? current_ > stop_ : current_ < stop_)) {
    finished_ = true;
    return false;
  }
  *value = current_;
  if (temporal_) {
    current_ = datetime::AddInterval(current_, interval_);
  } else if (__builtin_add_overflow(current_, step_, &current_)) {
    finished_ = true;  // the next element would overflow: this one is the last
  }
  return true;
}

bool Series::Next(Decimal* value) {
  const int order = Decimal::Compare(decimal_current_, decimal_stop_);
  if (finished_ || (decimal_step_.Sign() > 0 ? order > 0 : order < 0)) {
    finished_ = true;
    return false;
  }
  *value = decimal_current_;
  decimal_current_ = Decimal::Add(decimal_current_, decimal_step_);
  return true;
}

}  // namespace tessera::engine
