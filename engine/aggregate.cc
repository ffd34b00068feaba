// SPDX-License-Identifier: Apache-2.0
// Built-in aggregate functions: count, sum, avg, min, max, bool_and/bool_or/every, string_agg; the
// variance/regression family lives in aggregate_statistics.cc, array_agg in aggregate_array.cc.
#include "engine/aggregate.h"

#include <cmath>
#include <limits>
#include <new>
#include <string>
#include <type_traits>

#include "base/error.h"
#include "base/types.h"
#include "engine/aggregate_internal.h"

namespace tessera::engine {

namespace {

using namespace aggregate_internal;

// --- count ---------------------------------------------------------------------------------------------
struct CountState {
  int64_t count = 0;
};

AggregateFunction MakeCountStar() {
  AggregateFunction function{"count", {}, LogicalType(TypeId::kInt64), sizeof(CountState)};
  function.initialize = Construct<CountState>;
  function.update = [](uint8_t** states, const std::vector<Vector>&, idx_t count) {
    for (idx_t row = 0; row < count; ++row) {
      if (states[row] != nullptr) ++As<CountState>(states[row]).count;
    }
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    As<CountState>(target).count += As<CountState>(source).count;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    result.Data<int64_t>()[row] = As<CountState>(state).count;
  };
  function.dense_kind = DenseAggregate::kCountStar;
  function.absorb_dense = [](uint8_t* state, const DenseTotals& totals) { As<CountState>(state).count += totals.count; };
  return function;
}

AggregateFunction MakeCount(TypeId type) {
  AggregateFunction function = MakeCountStar();
  function.arg_types = {LogicalType(type)};
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    ForEachInput<CountState>(states, args, count, [](CountState& state, idx_t) { ++state.count; });
  };
  function.dense_kind = DenseAggregate::kCount;
  return function;
}

// --- sum / avg -----------------------------------------------------------------------------------------
struct IntSumState {
  __int128 sum = 0;
  int64_t count = 0;
};

template <typename T>
AggregateFunction MakeIntSum(TypeId input, TypeId output, bool average) {
  AggregateFunction function{average ? "avg" : "sum", {LogicalType(input)}, LogicalType(output),
                             sizeof(IntSumState)};
  function.initialize = Construct<IntSumState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const T* data = args[0].Data<T>();
    ForEachInput<IntSumState>(states, args, count, [data](IntSumState& state, idx_t row) {
      state.sum += data[row];
      ++state.count;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    As<IntSumState>(target).sum += As<IntSumState>(source).sum;
    As<IntSumState>(target).count += As<IntSumState>(source).count;
  };
  function.dense_kind = DenseAggregate::kSumInt;
  function.absorb_dense = [](uint8_t* state, const DenseTotals& totals) {
    As<IntSumState>(state).sum += totals.int_sum;
    As<IntSumState>(state).count += totals.count;
  };
  if (average) {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<IntSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Decimal>()[row] = Decimal::Divide(Decimal{sum.sum, 0}, Decimal::FromInt64(sum.count));
    };
  } else if (output == TypeId::kInt64) {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<IntSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      if (sum.sum > std::numeric_limits<int64_t>::max() || sum.sum < std::numeric_limits<int64_t>::min()) {
        throw SqlError(SqlState::kNumericValueOutOfRange, "bigint out of range");
      }
      result.Data<int64_t>()[row] = static_cast<int64_t>(sum.sum);
    };
  } else {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<IntSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Decimal>()[row] = Decimal{sum.sum, 0};
    };
  }
  return function;
}

struct FloatSumState {
  double sum = 0;
  int64_t count = 0;
};

enum class FloatAggregate { kSum, kAvg };

template <typename T>
AggregateFunction MakeFloatAggregate(const char* name, TypeId input, TypeId output, FloatAggregate kind) {
  AggregateFunction function{name, {LogicalType(input)}, LogicalType(output), sizeof(FloatSumState)};
  function.initialize = Construct<FloatSumState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const T* data = args[0].Data<T>();
    ForEachInput<FloatSumState>(states, args, count, [data](FloatSumState& state, idx_t row) {
      const double value = data[row];
      state.sum += value;
      ++state.count;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    As<FloatSumState>(target).sum += As<FloatSumState>(source).sum;
    As<FloatSumState>(target).count += As<FloatSumState>(source).count;
  };
  if constexpr (std::is_same_v<T, double>) {
    function.dense_kind = DenseAggregate::kSumDouble;
    function.absorb_dense = [](uint8_t* state, const DenseTotals& totals) {
      As<FloatSumState>(state).sum += totals.double_sum;
      As<FloatSumState>(state).count += totals.count;
    };
  }
  switch (kind) {
    case FloatAggregate::kSum:
      if (output == TypeId::kFloat32) {
        function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
          const auto& sum = As<FloatSumState>(state);
          if (sum.count == 0) return result.SetNull(row, true);
          result.Data<float>()[row] = static_cast<float>(sum.sum);
        };
      } else {
        function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
          const auto& sum = As<FloatSumState>(state);
          if (sum.count == 0) return result.SetNull(row, true);
          result.Data<double>()[row] = sum.sum;
        };
      }
      break;
    case FloatAggregate::kAvg:
      function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
        const auto& sum = As<FloatSumState>(state);
        if (sum.count == 0) return result.SetNull(row, true);
        result.Data<double>()[row] = sum.sum / static_cast<double>(sum.count);
      };
      break;
  }
  return function;
}

struct DecimalSumState {
  Decimal sum;
  int64_t count = 0;
};

AggregateFunction MakeDecimalSum(bool average) {
  AggregateFunction function{average ? "avg" : "sum", {LogicalType(TypeId::kNumeric)},
                             LogicalType(TypeId::kNumeric), sizeof(DecimalSumState)};
  function.initialize = Construct<DecimalSumState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const Decimal* data = args[0].Data<Decimal>();
    ForEachInput<DecimalSumState>(states, args, count, [data](DecimalSumState& state, idx_t row) {
      state.sum = state.count == 0 ? data[row] : Decimal::Add(state.sum, data[row]);
      ++state.count;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<DecimalSumState>(target);
    const auto& from = As<DecimalSumState>(source);
    if (from.count == 0) return;
    into.sum = into.count == 0 ? from.sum : Decimal::Add(into.sum, from.sum);
    into.count += from.count;
  };
  if (average) {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<DecimalSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Decimal>()[row] = Decimal::Divide(sum.sum, Decimal::FromInt64(sum.count));
    };
  } else {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<DecimalSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Decimal>()[row] = sum.sum;
    };
  }
  return function;
}

struct IntervalSumState {
  Interval sum;
  int64_t count = 0;
};

AggregateFunction MakeIntervalSum(bool average) {
  AggregateFunction function{average ? "avg" : "sum", {LogicalType(TypeId::kInterval)},
                             LogicalType(TypeId::kInterval), sizeof(IntervalSumState)};
  function.initialize = Construct<IntervalSumState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const Interval* data = args[0].Data<Interval>();
    ForEachInput<IntervalSumState>(states, args, count, [data](IntervalSumState& state, idx_t row) {
      state.sum = datetime::AddIntervals(state.sum, data[row]);
      ++state.count;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    As<IntervalSumState>(target).sum = datetime::AddIntervals(As<IntervalSumState>(target).sum, As<IntervalSumState>(source).sum);
    As<IntervalSumState>(target).count += As<IntervalSumState>(source).count;
  };
  if (average) {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<IntervalSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Interval>()[row] = datetime::DivideInterval(sum.sum, static_cast<double>(sum.count));
    };
  } else {
    function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
      const auto& sum = As<IntervalSumState>(state);
      if (sum.count == 0) return result.SetNull(row, true);
      result.Data<Interval>()[row] = sum.sum;
    };
  }
  return function;
}

// --- min / max -----------------------------------------------------------------------------------------
template <typename T>
int CompareCells(const T& left, const T& right) {
  if constexpr (std::is_same_v<T, Decimal>) {
    return Decimal::Compare(left, right);
  } else if constexpr (std::is_same_v<T, Interval>) {
    return datetime::CompareIntervals(left, right);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(left) || std::isnan(right)) return std::isnan(left) ? (std::isnan(right) ? 0 : 1) : -1;
    return left < right ? -1 : (right < left ? 1 : 0);
  } else {
    return left < right ? -1 : (right < left ? 1 : 0);
  }
}

template <typename T>
struct ExtremeState {
  T value{};
  bool has = false;
};

template <typename T, bool kMax>
AggregateFunction MakeExtreme(TypeId type) {
  AggregateFunction function{kMax ? "max" : "min", {LogicalType(type)}, LogicalType(type),
                             sizeof(ExtremeState<T>)};
  function.initialize = Construct<ExtremeState<T>>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const T* data = args[0].Data<T>();
    ForEachInput<ExtremeState<T>>(states, args, count, [data](ExtremeState<T>& state, idx_t row) {
      const int order = state.has ? CompareCells(data[row], state.value) : 0;
      if (!state.has || (kMax ? order > 0 : order < 0)) {
        state.value = data[row];
        state.has = true;
      }
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<ExtremeState<T>>(target);
    const auto& from = As<ExtremeState<T>>(source);
    if (!from.has) return;
    const int order = into.has ? CompareCells(from.value, into.value) : 0;
    if (!into.has || (kMax ? order > 0 : order < 0)) into = from;
  };
  if constexpr (std::is_integral_v<T> || std::is_same_v<T, double>) {
    function.dense_kind = kMax ? DenseAggregate::kMax : DenseAggregate::kMin;
    function.absorb_dense = [](uint8_t* state, const DenseTotals& totals) {
      if (!totals.seen) return;
      ExtremeState<T> from;
      from.has = true;
      if constexpr (std::is_same_v<T, double>) {
        from.value = totals.double_extreme;
      } else {
        from.value = static_cast<T>(totals.int_extreme);
      }
      auto& into = As<ExtremeState<T>>(state);
      const int order = into.has ? CompareCells(from.value, into.value) : 0;
      if (!into.has || (kMax ? order > 0 : order < 0)) into = from;
    };
  }
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& extreme = As<ExtremeState<T>>(state);
    if (!extreme.has) return result.SetNull(row, true);
    result.Data<T>()[row] = extreme.value;
  };
  return function;
}

struct StringExtremeState {
  std::string value;
  bool has = false;
};

template <bool kMax>
AggregateFunction MakeStringExtreme(TypeId type) {
  AggregateFunction function{kMax ? "max" : "min", {LogicalType(type)}, LogicalType(type),
                             sizeof(StringExtremeState)};
  function.initialize = Construct<StringExtremeState>;
  function.destroy = Destroy<StringExtremeState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const auto* data = args[0].Data<std::string_view>();
    ForEachInput<StringExtremeState>(states, args, count, [data](StringExtremeState& state, idx_t row) {
      if (!state.has || (kMax ? data[row] > state.value : data[row] < state.value)) {
        state.value.assign(data[row]);
        state.has = true;
      }
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<StringExtremeState>(target);
    const auto& from = As<StringExtremeState>(source);
    if (!from.has) return;
    if (!into.has || (kMax ? from.value > into.value : from.value < into.value)) into = from;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& extreme = As<StringExtremeState>(state);
    if (!extreme.has) return result.SetNull(row, true);
    result.SetString(row, extreme.value);
  };
  return function;
}

// --- bool_and / bool_or --------------------------------------------------------------------------------
struct BoolState {
  bool value = false;
  bool has = false;
};

template <bool kAnd>
AggregateFunction MakeBoolAggregate(const char* name) {
  AggregateFunction function{name, {LogicalType(TypeId::kBool)}, LogicalType(TypeId::kBool), sizeof(BoolState)};
  function.initialize = Construct<BoolState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const uint8_t* data = args[0].Data<uint8_t>();
    ForEachInput<BoolState>(states, args, count, [data](BoolState& state, idx_t row) {
      const bool value = data[row] != 0;
      state.value = state.has ? (kAnd ? state.value && value : state.value || value) : value;
      state.has = true;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<BoolState>(target);
    const auto& from = As<BoolState>(source);
    if (!from.has) return;
    into.value = into.has ? (kAnd ? into.value && from.value : into.value || from.value) : from.value;
    into.has = true;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& value = As<BoolState>(state);
    if (!value.has) return result.SetNull(row, true);
    result.Data<uint8_t>()[row] = value.value ? 1 : 0;
  };
  return function;
}

// --- string_agg ----------------------------------------------------------------------------------------
struct StringAggState {
  std::string value;
  bool has = false;
  // The delimiter that came with the first value, which a combine() puts between an earlier state's
  // text and this one's, so that merging consecutive states in order equals one update over all rows.
  std::string first_delimiter;
  bool first_delimiter_null = true;
};

AggregateFunction MakeStringAgg(TypeId type) {
  AggregateFunction function{"string_agg", {LogicalType(type), LogicalType(type)}, LogicalType(type),
                             sizeof(StringAggState)};
  function.initialize = Construct<StringAggState>;
  function.destroy = Destroy<StringAggState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const auto* data = args[0].Data<std::string_view>();
    const auto* delimiters = args[1].Data<std::string_view>();
    const Vector& delimiter_vector = args[1];
    ForEachInput<StringAggState>(states, args, count, [&](StringAggState& state, idx_t row) {
      if (state.has && !delimiter_vector.IsNull(row)) state.value.append(delimiters[row]);
      if (!state.has) {
        state.first_delimiter_null = delimiter_vector.IsNull(row);
        if (!state.first_delimiter_null) state.first_delimiter.assign(delimiters[row]);
      }
      state.value.append(data[row]);
      state.has = true;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<StringAggState>(target);
    const auto& from = As<StringAggState>(source);
    if (!from.has) return;
    if (!into.has) {
      into = from;
      return;
    }
    if (!from.first_delimiter_null) into.value += from.first_delimiter;
    into.value += from.value;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& value = As<StringAggState>(state);
    if (!value.has) return result.SetNull(row, true);
    result.SetString(row, value.value);
  };
  return function;
}

// --- registry ------------------------------------------------------------------------------------------
template <bool kMax>
void AddExtremes(std::vector<AggregateFunction>& functions) {
  functions.push_back(MakeExtreme<int16_t, kMax>(TypeId::kInt16));
  functions.push_back(MakeExtreme<int32_t, kMax>(TypeId::kInt32));
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kInt64));
  functions.push_back(MakeExtreme<float, kMax>(TypeId::kFloat32));
  functions.push_back(MakeExtreme<double, kMax>(TypeId::kFloat64));
  functions.push_back(MakeExtreme<Decimal, kMax>(TypeId::kNumeric));
  functions.push_back(MakeExtreme<int32_t, kMax>(TypeId::kDate));
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kTime));
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kTimeTz));  // packed: integer order is timetz's
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kTimestamp));
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kTimestampTz));
  functions.push_back(MakeExtreme<Interval, kMax>(TypeId::kInterval));
  functions.push_back(MakeExtreme<int64_t, kMax>(TypeId::kOid));
  functions.push_back(MakeStringExtreme<kMax>(TypeId::kText));
  functions.push_back(MakeStringExtreme<kMax>(TypeId::kChar));
}

const std::vector<AggregateFunction>& AllAggregates() {
  static const std::vector<AggregateFunction> functions = [] {
    std::vector<AggregateFunction> list;
    list.push_back(MakeCountStar());
    for (TypeId type : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32,
                        TypeId::kFloat64, TypeId::kNumeric, TypeId::kText, TypeId::kVarchar, TypeId::kChar,
                        TypeId::kName, TypeId::kBytea, TypeId::kDate, TypeId::kTime, TypeId::kTimestamp,
                        TypeId::kTimestampTz, TypeId::kInterval, TypeId::kOid, TypeId::kUnknown,
                        TypeId::kTextArray, TypeId::kUuid, TypeId::kTimeTz, TypeId::kVector}) {
      list.push_back(MakeCount(type));
    }
    list.push_back(MakeIntSum<int16_t>(TypeId::kInt16, TypeId::kInt64, false));
    list.push_back(MakeIntSum<int32_t>(TypeId::kInt32, TypeId::kInt64, false));
    list.push_back(MakeIntSum<int64_t>(TypeId::kInt64, TypeId::kNumeric, false));
    list.push_back(MakeFloatAggregate<float>("sum", TypeId::kFloat32, TypeId::kFloat32, FloatAggregate::kSum));
    list.push_back(MakeFloatAggregate<double>("sum", TypeId::kFloat64, TypeId::kFloat64, FloatAggregate::kSum));
    list.push_back(MakeDecimalSum(false));
    list.push_back(MakeIntervalSum(false));
    list.push_back(MakeIntSum<int16_t>(TypeId::kInt16, TypeId::kNumeric, true));
    list.push_back(MakeIntSum<int32_t>(TypeId::kInt32, TypeId::kNumeric, true));
    list.push_back(MakeIntSum<int64_t>(TypeId::kInt64, TypeId::kNumeric, true));
    list.push_back(MakeFloatAggregate<float>("avg", TypeId::kFloat32, TypeId::kFloat64, FloatAggregate::kAvg));
    list.push_back(MakeFloatAggregate<double>("avg", TypeId::kFloat64, TypeId::kFloat64, FloatAggregate::kAvg));
    list.push_back(MakeDecimalSum(true));
    list.push_back(MakeIntervalSum(true));
    AddExtremes<false>(list);
    AddExtremes<true>(list);
    list.push_back(MakeBoolAggregate<true>("bool_and"));
    list.push_back(MakeBoolAggregate<true>("every"));
    list.push_back(MakeBoolAggregate<false>("bool_or"));
    list.push_back(MakeStringAgg(TypeId::kText));
    list.push_back(MakeStringAgg(TypeId::kBytea));
    AddStatisticsAggregates(list);
    AddArrayAggregates(list);
    return list;
  }();
  return functions;
}

}  // namespace

bool IsAggregateName(const std::string& name) {
  for (const auto& function : AllAggregates()) {
    if (function.name == name) return true;
  }
  return false;
}

bool AggregateResultShowsOrder(const AggregateFunction& function) {
  return function.name == "array_agg" || function.name == "string_agg";
}

const AggregateFunction& SumOfCounts() {
  static const AggregateFunction function = MakeIntSum<int64_t>(TypeId::kInt64, TypeId::kInt64, false);
  return function;
}

const AggregateFunction* FindAggregate(const std::string& name, const std::vector<LogicalType>& arg_types) {
  for (const auto& function : AllAggregates()) {
    if (function.name != name || function.arg_types.size() != arg_types.size()) continue;
    bool match = true;
    for (size_t index = 0; index < arg_types.size(); ++index) {
      match = match && function.arg_types[index].id == arg_types[index].id;
    }
    if (match) return &function;
  }
  return nullptr;
}

// Lists the overloads of an aggregate (for the binder's implicit-cast resolution).
std::vector<const AggregateFunction*> AggregateOverloads(const std::string& name) {
  std::vector<const AggregateFunction*> overloads;
  for (const auto& function : AllAggregates()) {
    if (function.name == name) overloads.push_back(&function);
  }
  return overloads;
}

}  // namespace tessera::engine
