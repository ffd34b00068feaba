// SPDX-License-Identifier: Apache-2.0
// One run of generate_series(start, stop [, step]) over integers or timestamps (step an interval), shared
// by the FROM function scan and the select list's ProjectSet.
#pragma once

#include <cstdint>
#include <vector>

#include "base/decimal.h"
#include "base/value.h"

namespace tessera::engine {

class Series {
 public:
  // `type` is the result type (int4, int8, timestamp, timestamptz); `args` the start, stop and optional
  // step. A NULL argument gives an empty series; a zero step is 22023.
  Series(const LogicalType& type, const std::vector<Value>& args);

  // Sets *value to the next element (the int64 representation of an integer or timestamp series); false
  // at the end.
  bool Next(int64_t* value);
  // The same for a numeric series.
  bool Next(Decimal* value);

 private:
  bool finished_ = false;
  bool temporal_ = false;
  int64_t current_ = 0, stop_ = 0, step_ = 1;
  Interval interval_;
  Decimal decimal_current_, decimal_stop_, decimal_step_;
};

}  // namespace tessera::engine
