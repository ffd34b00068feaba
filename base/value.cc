// SPDX-License-Identifier: Apache-2.0
// Value's text output.
#include "base/value.h"

#include "base/text_format.h"
#include "base/vector_value.h"

namespace tessera {

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  switch (type_.id) {
    case TypeId::kBool:
      return GetBool() ? "t" : "f";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kOid:
      return std::to_string(GetInt());
    case TypeId::kFloat32:
      return text_format::FormatFloat32(static_cast<float>(GetDouble()));
    case TypeId::kFloat64:
      return text_format::FormatFloat64(GetDouble());
    case TypeId::kNumeric:
      return GetDecimal().ToString();
    case TypeId::kBytea:
      return text_format::FormatBytea(GetString());
    case TypeId::kDate:
      return datetime::FormatDate(static_cast<int32_t>(GetInt()));
    case TypeId::kTime:
      return datetime::FormatTime(GetInt());
    case TypeId::kTimeTz:
      return datetime::FormatTimeTz(datetime::UnpackTimeTz(GetInt()));
    case TypeId::kTimestamp:
      return datetime::FormatTimestamp(GetInt());
    case TypeId::kTimestampTz:
      return datetime::FormatTimestampTz(GetInt(), datetime::TimeZone{});
    case TypeId::kInterval:
      return datetime::FormatInterval(GetInterval());
    case TypeId::kUuid:
      return FormatUuid(GetUuid());
    case TypeId::kVector:
      return FormatVector(GetString());
    default:
      return GetString();
  }
}

}  // namespace tessera
