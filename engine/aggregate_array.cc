// SPDX-License-Identifier: Apache-2.0
// array_agg: collects its input, NULLs included, into an array of the input's type, built directly as
// PostgreSQL's array output text, the form Tessera stores arrays in.
#include <string>
#include <string_view>

#include "base/text_format.h"
#include "engine/aggregate_internal.h"
#include "engine/function/array_text.h"

namespace tessera::engine::aggregate_internal {

namespace {

struct ArrayAggState {
  std::string elements;  // the array text between its braces
  bool has = false;
};

void AppendElement(std::string& out, const Vector& input, idx_t row) {
  if (input.IsNull(row)) {
    out += "NULL";
    return;
  }
  switch (input.physical_type()) {
    case PhysicalType::kInt16: out += std::to_string(input.Data<int16_t>()[row]); return;
    case PhysicalType::kInt32: out += std::to_string(input.Data<int32_t>()[row]); return;
    case PhysicalType::kInt64: out += std::to_string(input.Data<int64_t>()[row]); return;
    case PhysicalType::kFloat32: out += text_format::FormatFloat32(input.Data<float>()[row]); return;
    case PhysicalType::kFloat64: out += text_format::FormatFloat64(input.Data<double>()[row]); return;
    default: AppendArrayElement(out, input.Data<std::string_view>()[row]); return;
  }
}

AggregateFunction MakeArrayAgg(TypeId element) {
  AggregateFunction function{"array_agg", {LogicalType(element)}, *ArrayTypeOf(element), sizeof(ArrayAggState)};
  function.initialize = Construct<ArrayAggState>;
  function.destroy = Destroy<ArrayAggState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    for (idx_t row = 0; row < count; ++row) {
      if (states[row] == nullptr) continue;
      auto& state = As<ArrayAggState>(states[row]);
      if (state.has) state.elements += ',';
      AppendElement(state.elements, args[0], row);
      state.has = true;
    }
  };
  // Appending keeps the order: merging consecutive states in order equals one update over all rows.
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<ArrayAggState>(target);
    const auto& from = As<ArrayAggState>(source);
    if (!from.has) return;
    if (into.has) into.elements += ',';
    into.elements += from.elements;
    into.has = true;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& value = As<ArrayAggState>(state);
    if (!value.has) return result.SetNull(row, true);
    result.SetString(row, "{" + value.elements + "}");
  };
  return function;
}

}  // namespace

void AddArrayAggregates(std::vector<AggregateFunction>& list) {
  for (TypeId element : {TypeId::kText, TypeId::kVarchar, TypeId::kName, TypeId::kInt16, TypeId::kInt32,
                         TypeId::kInt64, TypeId::kOid, TypeId::kFloat32, TypeId::kFloat64}) {
    list.push_back(MakeArrayAgg(element));
  }
}

}  // namespace tessera::engine::aggregate_internal
