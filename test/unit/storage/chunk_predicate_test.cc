// SPDX-License-Identifier: Apache-2.0
#include "storage/chunk_predicate.h"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>

#include <limits>
#include <memory>
#include <random>

#include "chunk_test_data.h"
#include "storage/dictionary_filter.h"
#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

using testing::NullPattern;
using testing::Shape;

constexpr CompareOp kAllOps[] = {CompareOp::kEqual, CompareOp::kNotEqual,  CompareOp::kLess,
                                 CompareOp::kLessEqual, CompareOp::kGreater, CompareOp::kGreaterEqual};

struct OpenedChunk {
  std::unique_ptr<std::string> bytes;
  ColumnChunk chunk;
};

OpenedChunk Open(const Vector& vector, ChunkEncoding encoding) {
  OpenedChunk opened{std::make_unique<std::string>(EncodeColumnChunk(vector, encoding)), ColumnChunk()};
  REQUIRE(ColumnChunk::Open(*opened.bytes, &opened.chunk).ok());
  REQUIRE(opened.chunk.encoding() == encoding);
  return opened;
}

// The rows of [first, first + count) of `vector` for which `value <op> constant` holds, evaluated on values.
std::vector<sel_t> ExpectedRows(const Vector& vector, CompareOp op, const Value& constant, idx_t first, idx_t count) {
  std::vector<sel_t> rows;
  for (idx_t row = first; row < first + count; ++row) {
    if (vector.IsNull(row)) continue;
    if (CompareHolds(op, ComparePhysical(vector.physical_type(), vector.GetValue(row), constant))) {
      rows.push_back(static_cast<sel_t>(row - first));
    }
  }
  return rows;
}

// Constants to compare with: every distinct value of the vector, and values just around and beyond.
std::vector<Value> ConstantsFor(const Vector& vector) {
  std::vector<Value> constants;
  for (idx_t row = 0; row < vector.size() && constants.size() < 40; row += 7) {
    if (!vector.IsNull(row)) constants.push_back(vector.GetValue(row));
  }
  return constants;
}

std::vector<Value> IntegerConstants(const LogicalType& type, const Vector& vector) {
  std::vector<Value> constants = ConstantsFor(vector);
  for (int64_t extra : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{-1}, int64_t{0},
                        int64_t{999}, int64_t{1000}, int64_t{1050}, int64_t{1099}, int64_t{1100}, int64_t{4001}}) {
    constants.push_back(Value::FromInt(type, extra));
  }
  return constants;
}

void CheckSelection(const std::vector<sel_t>& expected, const sel_t* selection, idx_t selected) {
  CHECK(std::vector<sel_t>(selection, selection + selected) == expected);
}

void CheckDictionaryKernel(const Vector& vector, const std::vector<Value>& constants) {
  OpenedChunk opened = Open(vector, ChunkEncoding::kDictionary);
  std::vector<sel_t> selection(vector.size());
  for (const Value& constant : constants) {
    for (CompareOp op : kAllOps) {
      CAPTURE(static_cast<int>(op));
      CAPTURE(constant.ToString());
      std::vector<uint8_t> matches = MatchDictionaryEntries(opened.chunk, op, constant);
      const DictionaryMatch match = MatchDictionary(opened.chunk, op, constant);
      for (auto [first, count] : {std::pair<idx_t, idx_t>{0, vector.size()}, {vector.size() / 3, vector.size() / 2}}) {
        const std::vector<sel_t> expected = ExpectedRows(vector, op, constant, first, count);
        idx_t selected = SelectDictionaryRows(opened.chunk, matches, first, count, selection.data());
        CheckSelection(expected, selection.data(), selected);
        selected = SelectDictionaryMatches(opened.chunk, match, first, count, selection.data());
        CheckSelection(expected, selection.data(), selected);
        // Narrowing every row, then every third row, reading only their codes.
        for (idx_t step : {1, 3}) {
          std::vector<sel_t> rows, kept;
          for (idx_t row = 0; row < count; row += step) rows.push_back(static_cast<sel_t>(row));
          for (sel_t row : expected) {
            if (row % step == 0) kept.push_back(row);
          }
          selected = KeepDictionaryMatches(opened.chunk, match, first, rows.data(), rows.size());
          CheckSelection(kept, rows.data(), selected);
        }
      }
      const bool any = !ExpectedRows(vector, op, constant, 0, vector.size()).empty();
      if (any) CHECK(ChunkMayMatch(opened.chunk, op, constant));
    }
  }
}

void CheckPackedKernel(const Vector& vector, ChunkEncoding encoding) {
  OpenedChunk opened = Open(vector, encoding);
  std::vector<sel_t> selection(vector.size());
  for (const Value& constant : IntegerConstants(vector.type(), vector)) {
    for (CompareOp op : kAllOps) {
      CAPTURE(static_cast<int>(op));
      CAPTURE(constant.GetInt());
      for (auto [first, count] : {std::pair<idx_t, idx_t>{0, vector.size()}, {vector.size() / 3, vector.size() / 2}}) {
        idx_t selected = SelectPackedIntegerRows(opened.chunk, op, constant.GetInt(), first, count, selection.data());
        CheckSelection(ExpectedRows(vector, op, constant, first, count), selection.data(), selected);
      }
      const bool any = !ExpectedRows(vector, op, constant, 0, vector.size()).empty();
      if (any) CHECK(ChunkMayMatch(opened.chunk, op, constant));
      if (!ChunkMayMatch(opened.chunk, op, constant)) CHECK_FALSE(any);
    }
  }
}

TEST_SUITE("chunk_predicate") {

TEST_CASE("dictionary predicates evaluated per entry select the rows a decoded evaluation selects") {
  std::mt19937_64 random(31);
  const LogicalType types[] = {TypeId::kInt32, TypeId::kInt64, TypeId::kFloat64, TypeId::kFloat32,
                               LogicalType::Numeric(12, 2), TypeId::kText, TypeId::kInterval, TypeId::kDate};
  for (const LogicalType& type : types) {
    for (NullPattern nulls : {NullPattern::kNone, NullPattern::kSome, NullPattern::kLeading}) {
      for (size_t rows : {1, 65, 2048, 5000}) {
        CAPTURE(testing::Describe(type, Shape::kFewDistinct, nulls, rows));
        Vector vector = testing::MakeVector(type, Shape::kFewDistinct, nulls, rows, random);
        std::vector<Value> constants = ConstantsFor(vector);
        for (int64_t number : {-5000, 500, 99999}) {
          Vector probe = testing::MakeVector(type, Shape::kConstant, NullPattern::kNone, 1, random);
          if (GetPhysicalType(type) == PhysicalType::kInt32 || GetPhysicalType(type) == PhysicalType::kInt64) {
            constants.push_back(Value::FromInt(type, number));
          } else {
            constants.push_back(probe.GetValue(0));
          }
        }
        CheckDictionaryKernel(vector, constants);
      }
    }
  }
}

TEST_CASE("dictionary predicates on floats follow SQL: NaN equals NaN and is largest, -0.0 equals 0.0") {
  Vector vector(TypeId::kFloat64, 6);
  const double values[] = {std::numeric_limits<double>::quiet_NaN(), -0.0, 0.0, 1.5, -std::numeric_limits<double>::infinity(), 2.0};
  for (idx_t row = 0; row < 6; ++row) vector.Data<double>()[row] = values[row];
  OpenedChunk opened = Open(vector, ChunkEncoding::kDictionary);
  std::vector<sel_t> selection(6);
  auto count = [&](CompareOp op, double constant) {
    return SelectDictionaryRows(opened.chunk, MatchDictionaryEntries(opened.chunk, op, Value::Float64(constant)), 0, 6,
                                selection.data());
  };
  CHECK(count(CompareOp::kEqual, 0.0) == 2);
  CHECK(count(CompareOp::kEqual, std::numeric_limits<double>::quiet_NaN()) == 1);
  CHECK(count(CompareOp::kGreater, 1.0e308) == 1);  // only NaN
  CHECK(count(CompareOp::kLess, std::numeric_limits<double>::quiet_NaN()) == 5);
  // The sorted dictionary's binary search gives the same runs.
  auto count_run = [&](CompareOp op, double constant) {
    return SelectDictionaryMatches(opened.chunk, MatchDictionary(opened.chunk, op, Value::Float64(constant)), 0, 6,
                                   selection.data());
  };
  CHECK(count_run(CompareOp::kEqual, 0.0) == 2);
  CHECK(count_run(CompareOp::kEqual, -0.0) == 2);
  CHECK(count_run(CompareOp::kNotEqual, 0.0) == 4);
  CHECK(count_run(CompareOp::kEqual, std::numeric_limits<double>::quiet_NaN()) == 1);
  CHECK(count_run(CompareOp::kGreater, 1.0e308) == 1);
  CHECK(count_run(CompareOp::kLess, std::numeric_limits<double>::quiet_NaN()) == 5);
  CHECK(count_run(CompareOp::kGreaterEqual, -std::numeric_limits<double>::infinity()) == 6);
}

TEST_CASE("bit-packed and frame-of-reference predicates compare packed offsets like decoded values") {
  std::mt19937_64 random(41);
  for (NullPattern nulls : {NullPattern::kNone, NullPattern::kSome}) {
    for (size_t rows : {1, 63, 2049, 5000}) {
      for (Shape shape : {Shape::kSmallRange, Shape::kSorted, Shape::kFewDistinct}) {
        CAPTURE(testing::Describe(TypeId::kInt64, shape, nulls, rows));
        Vector vector = testing::MakeVector(TypeId::kInt64, shape, nulls, rows, random);
        CheckPackedKernel(vector, ChunkEncoding::kFrameOfReference);
        CheckPackedKernel(vector, ChunkEncoding::kBitPacked);
        Vector int16s = testing::MakeVector(TypeId::kInt16, shape, nulls, rows, random);
        CheckPackedKernel(int16s, ChunkEncoding::kFrameOfReference);
      }
      // Full-range values: 64-bit offsets whose reference is INT64_MIN or thereabouts.
      Vector extremes = testing::MakeVector(TypeId::kInt64, Shape::kRandom, nulls, rows, random);
      CheckPackedKernel(extremes, ChunkEncoding::kFrameOfReference);
    }
  }
}

TEST_CASE("decimal-float predicates compare packed integers like decoded values") {
  std::mt19937_64 random(42);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  for (NullPattern nulls : {NullPattern::kNone, NullPattern::kSome}) {
    for (size_t rows : {1, 63, 2049, 5000}) {
      for (int scale : {0, 2, 6}) {
        Vector vector(TypeId::kFloat64, rows);
        for (idx_t row = 0; row < rows; ++row) {
          const auto integer = static_cast<int64_t>(random() % 20001) - 10000;
          vector.Data<double>()[row] = static_cast<double>(integer) / std::pow(10.0, scale);
          if (nulls == NullPattern::kSome && row % 5 == 1) vector.SetNull(row, true);
        }
        CAPTURE(rows);
        CAPTURE(scale);
        OpenedChunk opened = Open(vector, ChunkEncoding::kDecimalFloat);
        std::vector<Value> constants = ConstantsFor(vector);
        for (double extra : {nan, infinity, -infinity, 0.0, -0.0, 0.005, -0.015, 1e300, -1e300, 9999.9999999,
                             1.0 / 3, 4503599627370497.0}) {
          constants.push_back(Value::Float64(extra));
        }
        std::vector<sel_t> selection(rows);
        for (const Value& constant : constants) {
          for (CompareOp op : kAllOps) {
            CAPTURE(static_cast<int>(op));
            CAPTURE(constant.GetDouble());
            const std::optional<DecimalFloatRange> range = MatchDecimalFloat(opened.chunk, op, constant.GetDouble());
            if (op == CompareOp::kNotEqual) {
              CHECK(!range.has_value());
              continue;
            }
            REQUIRE(range.has_value());
            for (auto [first, count] : {std::pair<idx_t, idx_t>{0, rows}, {rows / 3, rows / 2}}) {
              const std::vector<sel_t> expected = ExpectedRows(vector, op, constant, first, count);
              const idx_t selected = SelectDecimalFloatRows(opened.chunk, *range, first, count, selection.data());
              CheckSelection(expected, selection.data(), selected);
              std::vector<sel_t> every(count);
              for (idx_t row = 0; row < count; ++row) every[row] = static_cast<sel_t>(row);
              const idx_t kept = KeepDecimalFloatMatches(opened.chunk, *range, first, every.data(), count);
              CheckSelection(expected, every.data(), kept);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("min/max elimination rules out chunks that cannot match and keeps those that can") {
  Vector vector(TypeId::kInt32, 11);
  for (idx_t row = 0; row < 11; ++row) vector.Data<int32_t>()[row] = static_cast<int32_t>(10 + row);
  vector.SetNull(3, true);
  OpenedChunk opened = Open(vector, ChunkEncoding::kFrameOfReference);
  const ColumnChunk& chunk = opened.chunk;
  auto may = [&](CompareOp op, int64_t constant) { return ChunkMayMatch(chunk, op, Value::Int32(static_cast<int32_t>(constant))); };
  CHECK_FALSE(may(CompareOp::kEqual, 5));
  CHECK(may(CompareOp::kEqual, 15));
  CHECK_FALSE(may(CompareOp::kLess, 10));
  CHECK(may(CompareOp::kLessEqual, 10));
  CHECK_FALSE(may(CompareOp::kGreater, 20));
  CHECK(may(CompareOp::kGreaterEqual, 20));
  CHECK(may(CompareOp::kNotEqual, 10));
  CHECK_FALSE(ChunkMayMatch(chunk, CompareOp::kEqual, Value::Null(TypeId::kInt32)));

  Vector constant(TypeId::kText, 3);
  for (idx_t row = 0; row < 3; ++row) constant.SetString(row, "same");
  OpenedChunk same = Open(constant, ChunkEncoding::kDictionary);
  CHECK_FALSE(ChunkMayMatch(same.chunk, CompareOp::kNotEqual, Value::Text("same")));
  CHECK(ChunkMayMatch(same.chunk, CompareOp::kNotEqual, Value::Text("other")));
  CHECK_FALSE(ChunkMayMatch(same.chunk, CompareOp::kGreater, Value::Text("same")));

  Vector nulls(TypeId::kInt64, 4);
  for (idx_t row = 0; row < 4; ++row) nulls.SetNull(row, true);
  OpenedChunk all_null = Open(nulls, ChunkEncoding::kPlain);
  CHECK_FALSE(ChunkMayMatch(all_null.chunk, CompareOp::kNotEqual, Value::Int64(1)));
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::storage
