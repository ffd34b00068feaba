// SPDX-License-Identifier: Apache-2.0
// Statistical aggregates as PostgreSQL 15 computes them: variance/stddev (numeric for integer and numeric
// input, float8 otherwise) and the two-argument family covar_pop/covar_samp/corr/regr_*.
//
// Float states use the Youngs-Cramer update PostgreSQL uses (float8_accum, float8_regr_accum): sums of
// squared deviations are accumulated directly, which avoids the cancellation of sum(x^2) - sum(x)^2/n and
// keeps results equal to PostgreSQL's to the last digit. Numeric states are exact sums; the final division
// and square root use PostgreSQL's result scale (numeric_stddev_internal).
#include <cmath>

#include "base/decimal.h"
#include "engine/aggregate_internal.h"

namespace tessera::engine::aggregate_internal {

namespace {

enum class Spread { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

constexpr bool IsSample(Spread kind) { return kind == Spread::kVarSamp || kind == Spread::kStddevSamp; }
constexpr bool IsStddev(Spread kind) { return kind == Spread::kStddevSamp || kind == Spread::kStddevPop; }

// --- float8 variance -----------------------------------------------------------------------------------
struct FloatSpreadState {
  double n = 0;
  double sum = 0;
  double sum_sq_dev = 0;  // sum of squared deviations from the mean (PostgreSQL's Sxx)
};

template <Spread kKind>
AggregateFunction MakeFloatSpread(const char* name) {
  AggregateFunction function{name, {LogicalType(TypeId::kFloat64)}, LogicalType(TypeId::kFloat64),
                             sizeof(FloatSpreadState)};
  function.initialize = Construct<FloatSpreadState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    const double* data = args[0].Data<double>();
    ForEachInput<FloatSpreadState>(states, args, count, [data](FloatSpreadState& state, idx_t row) {
      const double value = data[row];
      state.n += 1;
      state.sum += value;
      if (state.n > 1) {
        const double deviation = value * state.n - state.sum;
        state.sum_sq_dev += deviation * deviation / (state.n * (state.n - 1));
      } else if (!std::isfinite(value)) {
        state.sum_sq_dev = std::nan("");  // as PostgreSQL: infinities make the spread NaN
      }
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<FloatSpreadState>(target);
    const auto& from = As<FloatSpreadState>(source);
    if (from.n == 0) return;
    if (into.n == 0) {
      into = from;
      return;
    }
    const double n = into.n + from.n;
    const double mean_gap = into.sum / into.n - from.sum / from.n;
    into.sum_sq_dev += from.sum_sq_dev + into.n * from.n * mean_gap * mean_gap / n;
    into.sum += from.sum;
    into.n = n;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& spread = As<FloatSpreadState>(state);
    if (spread.n == 0 || (IsSample(kKind) && spread.n == 1)) return result.SetNull(row, true);
    double variance = spread.sum_sq_dev <= 0 ? 0.0 : spread.sum_sq_dev / (IsSample(kKind) ? spread.n - 1 : spread.n);
    result.Data<double>()[row] = IsStddev(kKind) ? std::sqrt(variance) : variance;
  };
  return function;
}

// --- numeric variance (integer and numeric input) ------------------------------------------------------
struct DecimalSpreadState {
  int64_t n = 0;
  Decimal sum;
  Decimal sum_squares;
};

template <typename T>
Decimal InputAsDecimal(const Vector& input, idx_t row) {
  if constexpr (std::is_same_v<T, Decimal>) {
    return input.Data<Decimal>()[row];
  } else {
    return Decimal::FromInt64(input.Data<T>()[row]);
  }
}

template <Spread kKind, typename T>
AggregateFunction MakeDecimalSpread(const char* name, TypeId input) {
  AggregateFunction function{name, {LogicalType(input)}, LogicalType(TypeId::kNumeric), sizeof(DecimalSpreadState)};
  function.initialize = Construct<DecimalSpreadState>;
  function.update = [](uint8_t** states, const std::vector<Vector>& args, idx_t count) {
    ForEachInput<DecimalSpreadState>(states, args, count, [&](DecimalSpreadState& state, idx_t row) {
      const Decimal value = InputAsDecimal<T>(args[0], row);
      const Decimal square = Decimal::Multiply(value, value);
      state.sum = state.n == 0 ? value : Decimal::Add(state.sum, value);
      state.sum_squares = state.n == 0 ? square : Decimal::Add(state.sum_squares, square);
      ++state.n;
    });
  };
  function.combine = [](uint8_t* target, const uint8_t* source) {
    auto& into = As<DecimalSpreadState>(target);
    const auto& from = As<DecimalSpreadState>(source);
    if (from.n == 0) return;
    if (into.n == 0) {
      into = from;
      return;
    }
    into.sum = Decimal::Add(into.sum, from.sum);
    into.sum_squares = Decimal::Add(into.sum_squares, from.sum_squares);
    into.n += from.n;
  };
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    const auto& spread = As<DecimalSpreadState>(state);
    if (spread.n == 0 || (IsSample(kKind) && spread.n == 1)) return result.SetNull(row, true);
    const Decimal n = Decimal::FromInt64(spread.n);
    const Decimal numerator =
        Decimal::Subtract(Decimal::Multiply(n, spread.sum_squares), Decimal::Multiply(spread.sum, spread.sum));
    if (numerator.value <= 0) {
      result.Data<Decimal>()[row] = Decimal{0, 0};
      return;
    }
    const Decimal denominator =
        Decimal::Multiply(n, IsSample(kKind) ? Decimal::FromInt64(spread.n - 1) : n);
    const Decimal variance = Decimal::Divide(numerator, denominator);
    result.Data<Decimal>()[row] = IsStddev(kKind) ? variance.SqrtToScale(variance.scale) : variance;
  };
  return function;
}

template <Spread kKind>
void AddSpread(std::vector<AggregateFunction>& list, const char* name) {
  list.push_back(MakeDecimalSpread<kKind, int16_t>(name, TypeId::kInt16));
  list.push_back(MakeDecimalSpread<kKind, int32_t>(name, TypeId::kInt32));
  list.push_back(MakeDecimalSpread<kKind, int64_t>(name, TypeId::kInt64));
  list.push_back(MakeDecimalSpread<kKind, Decimal>(name, TypeId::kNumeric));
  list.push_back(MakeFloatSpread<kKind>(name));
}

// --- covar / corr / regr_* (float8, float8) ------------------------------------------------------------
// Arguments are (Y, X), as in PostgreSQL.
struct RegressionState {
  double n = 0;
  double sum_x = 0, sum_xx = 0;  // sum_xx, sum_yy, sum_xy: sums of (co)deviations from the means
  double sum_y = 0, sum_yy = 0;
  double sum_xy = 0;
};

enum class Regression {
  kCovarPop, kCovarSamp, kCorr, kSlope, kIntercept, kR2, kAvgX, kAvgY, kSxx, kSyy, kSxy
};

// Returns false when the result is NULL.
template <Regression kKind>
bool FinalizeRegression(const RegressionState& state, double* out) {
  const double n = state.n;
  if (n < 1 || (kKind == Regression::kCovarSamp && n < 2)) return false;
  switch (kKind) {
    case Regression::kCovarPop: *out = state.sum_xy / n; return true;
    case Regression::kCovarSamp: *out = state.sum_xy / (n - 1); return true;
    case Regression::kCorr:
      if (state.sum_xx <= 0 || state.sum_yy <= 0) return false;
      *out = state.sum_xy / std::sqrt(state.sum_xx * state.sum_yy);
      return true;
    case Regression::kSlope:
      if (state.sum_xx <= 0) return false;
      *out = state.sum_xy / state.sum_xx;
      return true;
    case Regression::kIntercept:
      if (state.sum_xx <= 0) return false;
      *out = (state.sum_y - state.sum_x * state.sum_xy / state.sum_xx) / n;
      return true;
    case Regression::kR2:
      if (state.sum_xx <= 0) return false;
      *out = state.sum_yy <= 0 ? 1.0 : (state.sum_xy * state.sum_xy) / (state.sum_xx * state.sum_yy);
      return true;
    case Regression::kAvgX: *out = state.sum_x / n; return true;
    case Regression::kAvgY: *out = state.sum_y / n; return true;
    case Regression::kSxx: *out = state.sum_xx; return true;
    case Regression::kSyy: *out = state.sum_yy; return true;
    case Regression::kSxy: *out = state.sum_xy; return true;
  }
  return false;
}

void UpdateRegression(uint8_t** states, const std::vector<Vector>& args, idx_t count) {
  const double* y = args[0].Data<double>();
  const double* x = args[1].Data<double>();
  for (idx_t row = 0; row < count; ++row) {
    if (states[row] == nullptr || args[0].IsNull(row) || args[1].IsNull(row)) continue;
    auto& state = As<RegressionState>(states[row]);
    state.n += 1;
    state.sum_x += x[row];
    state.sum_y += y[row];
    if (state.n > 1) {
      const double dx = x[row] * state.n - state.sum_x;
      const double dy = y[row] * state.n - state.sum_y;
      const double scale = 1.0 / (state.n * (state.n - 1));
      state.sum_xx += dx * dx * scale;
      state.sum_yy += dy * dy * scale;
      state.sum_xy += dx * dy * scale;
    } else {
      // As PostgreSQL: a first input that is infinite or NaN makes the sums that depend on it NaN, so
      // that one row does not report zero spread.
      if (!std::isfinite(x[row])) state.sum_xx = state.sum_xy = std::nan("");
      if (!std::isfinite(y[row])) state.sum_yy = state.sum_xy = std::nan("");
    }
  }
}

void CombineRegression(uint8_t* target, const uint8_t* source) {
  auto& into = As<RegressionState>(target);
  const auto& from = As<RegressionState>(source);
  if (from.n == 0) return;
  if (into.n == 0) {
    into = from;
    return;
  }
  const double n = into.n + from.n;
  const double gap_x = into.sum_x / into.n - from.sum_x / from.n;
  const double gap_y = into.sum_y / into.n - from.sum_y / from.n;
  const double weight = into.n * from.n / n;
  into.sum_xx += from.sum_xx + weight * gap_x * gap_x;
  into.sum_yy += from.sum_yy + weight * gap_y * gap_y;
  into.sum_xy += from.sum_xy + weight * gap_x * gap_y;
  into.sum_x += from.sum_x;
  into.sum_y += from.sum_y;
  into.n = n;
}

template <Regression kKind>
AggregateFunction MakeRegression(const char* name) {
  AggregateFunction function{name, {LogicalType(TypeId::kFloat64), LogicalType(TypeId::kFloat64)},
                             LogicalType(TypeId::kFloat64), sizeof(RegressionState)};
  function.initialize = Construct<RegressionState>;
  function.update = UpdateRegression;
  function.combine = CombineRegression;
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    double value = 0;
    if (!FinalizeRegression<kKind>(As<RegressionState>(state), &value)) return result.SetNull(row, true);
    result.Data<double>()[row] = value;
  };
  return function;
}

// regr_count(Y, X): rows where both are non-NULL; 0, not NULL, over no rows.
AggregateFunction MakeRegressionCount() {
  AggregateFunction function{"regr_count", {LogicalType(TypeId::kFloat64), LogicalType(TypeId::kFloat64)},
                             LogicalType(TypeId::kInt64), sizeof(RegressionState)};
  function.initialize = Construct<RegressionState>;
  function.update = UpdateRegression;
  function.combine = CombineRegression;
  function.finalize = [](const uint8_t* state, Vector& result, idx_t row) {
    result.Data<int64_t>()[row] = static_cast<int64_t>(As<RegressionState>(state).n);
  };
  return function;
}

}  // namespace

void AddStatisticsAggregates(std::vector<AggregateFunction>& list) {
  AddSpread<Spread::kVarSamp>(list, "var_samp");
  AddSpread<Spread::kVarSamp>(list, "variance");
  AddSpread<Spread::kVarPop>(list, "var_pop");
  AddSpread<Spread::kStddevSamp>(list, "stddev_samp");
  AddSpread<Spread::kStddevSamp>(list, "stddev");
  AddSpread<Spread::kStddevPop>(list, "stddev_pop");
  list.push_back(MakeRegression<Regression::kCovarPop>("covar_pop"));
  list.push_back(MakeRegression<Regression::kCovarSamp>("covar_samp"));
  list.push_back(MakeRegression<Regression::kCorr>("corr"));
  list.push_back(MakeRegression<Regression::kSlope>("regr_slope"));
  list.push_back(MakeRegression<Regression::kIntercept>("regr_intercept"));
  list.push_back(MakeRegression<Regression::kR2>("regr_r2"));
  list.push_back(MakeRegression<Regression::kAvgX>("regr_avgx"));
  list.push_back(MakeRegression<Regression::kAvgY>("regr_avgy"));
  list.push_back(MakeRegression<Regression::kSxx>("regr_sxx"));
  list.push_back(MakeRegression<Regression::kSyy>("regr_syy"));
  list.push_back(MakeRegression<Regression::kSxy>("regr_sxy"));
  list.push_back(MakeRegressionCount());
}

}  // namespace tessera::engine::aggregate_internal
