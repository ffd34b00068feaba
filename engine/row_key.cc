// SPDX-License-Identifier: Apache-2.0
// Canonical key encoding and cell comparison.
#include "engine/row_key.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/vector_value.h"
#include "engine/function/array_text.h"

namespace tessera::engine {

namespace {
template <typename T>
void AppendRaw(std::string& key, const T& value) {
  key.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
int ThreeWay(const T& left, const T& right) {
  return left < right ? -1 : (right < left ? 1 : 0);
}

int CompareDoubles(double left, double right) {
  const bool left_nan = std::isnan(left);
  const bool right_nan = std::isnan(right);
  if (left_nan || right_nan) return left_nan == right_nan ? 0 : (left_nan ? 1 : -1);
  return ThreeWay(left, right);
}

std::string_view TrimTrailingSpaces(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}
}  // namespace

void AppendKey(std::string& key, const Vector& vector, idx_t row) {
  if (vector.IsNull(row)) {
    key.push_back('\0');
    return;
  }
  key.push_back('\1');
  switch (vector.physical_type()) {
    case PhysicalType::kBool:
      key.push_back(static_cast<char>(vector.Data<uint8_t>()[row]));
      break;
    case PhysicalType::kInt16:
      AppendRaw(key, int64_t{vector.Data<int16_t>()[row]});
      break;
    case PhysicalType::kInt32:
      AppendRaw(key, int64_t{vector.Data<int32_t>()[row]});
      break;
    case PhysicalType::kInt64:
      AppendRaw(key, vector.Data<int64_t>()[row]);
      break;
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64: {
      double value = vector.physical_type() == PhysicalType::kFloat32 ? vector.Data<float>()[row]
                                                                     : vector.Data<double>()[row];
      if (value == 0) value = 0;
      if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();
      AppendRaw(key, value);
      break;
    }
    case PhysicalType::kDecimal: {
      const Decimal normalized = vector.Data<Decimal>()[row].Normalized();
      AppendRaw(key, normalized.value);
      AppendRaw(key, normalized.scale);
      break;
    }
    case PhysicalType::kString: {
      std::string_view text = vector.Data<std::string_view>()[row];
      std::string canonical;
      if (vector.type().id == TypeId::kChar) text = TrimTrailingSpaces(text);
      if (vector.type().id == TypeId::kVector) text = CanonicalVectorPayload(text, canonical);
      if (IsArrayType(vector.type().id)) {
        canonical = CanonicalArrayKey(vector.type().id, text);
        text = canonical;
      }
      AppendRaw(key, static_cast<uint32_t>(text.size()));
      key.append(text);
      break;
    }
    case PhysicalType::kInterval: {
      const Interval& interval = vector.Data<Interval>()[row];
      // Intervals compare as 30-day months and 24-hour days: key on the total.
      const __int128 total = static_cast<__int128>(interval.months) * 30 * 86400000000LL +
                             static_cast<__int128>(interval.days) * 86400000000LL + interval.micros;
      AppendRaw(key, total);
      break;
    }
    case PhysicalType::kUuid:
      AppendRaw(key, vector.Data<Uuid>()[row]);
      break;
    case PhysicalType::kInvalid:
      break;
  }
}

std::string RowKey(const std::vector<Vector>& columns, idx_t row) {
  std::string key;
  for (const auto& column : columns) AppendKey(key, column, row);
  return key;
}

int CompareCells(const Vector& left, idx_t left_row, const Vector& right, idx_t right_row) {
  switch (left.physical_type()) {
    case PhysicalType::kBool:
      return ThreeWay(left.Data<uint8_t>()[left_row], right.Data<uint8_t>()[right_row]);
    case PhysicalType::kInt16:
      return ThreeWay(left.Data<int16_t>()[left_row], right.Data<int16_t>()[right_row]);
    case PhysicalType::kInt32:
      return ThreeWay(left.Data<int32_t>()[left_row], right.Data<int32_t>()[right_row]);
    case PhysicalType::kInt64:
      return ThreeWay(left.Data<int64_t>()[left_row], right.Data<int64_t>()[right_row]);
    case PhysicalType::kFloat32:
      return CompareDoubles(left.Data<float>()[left_row], right.Data<float>()[right_row]);
    case PhysicalType::kFloat64:
      return CompareDoubles(left.Data<double>()[left_row], right.Data<double>()[right_row]);
    case PhysicalType::kDecimal:
      return Decimal::Compare(left.Data<Decimal>()[left_row], right.Data<Decimal>()[right_row]);
    case PhysicalType::kString: {
      std::string_view a = left.Data<std::string_view>()[left_row];
      std::string_view b = right.Data<std::string_view>()[right_row];
      if (left.type().id == TypeId::kVector) return CompareVectors(a, b);
      if (IsArrayType(left.type().id)) return CompareArrays(left.type().id, a, b);
      if (left.type().id == TypeId::kChar) {
        a = TrimTrailingSpaces(a);
        b = TrimTrailingSpaces(b);
      }
      const int order = a.compare(b);
      return order < 0 ? -1 : (order > 0 ? 1 : 0);
    }
    case PhysicalType::kInterval:
      return datetime::CompareIntervals(left.Data<Interval>()[left_row], right.Data<Interval>()[right_row]);
    case PhysicalType::kUuid:
      return ThreeWay(left.Data<Uuid>()[left_row], right.Data<Uuid>()[right_row]);
    case PhysicalType::kInvalid:
      break;
  }
  return 0;
}

}  // namespace tessera::engine
