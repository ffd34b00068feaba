// SPDX-License-Identifier: Apache-2.0
#include "storage/column_chunk.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <random>

#include "chunk_test_data.h"
#include "storage/encoding/byte_io.h"
#include "storage/encoding/fixed_body.h"
#include "storage/encoding/packed_ints.h"

namespace tessera::storage {
namespace {

using testing::NullPattern;
using testing::Shape;

constexpr ChunkEncoding kAllEncodings[] = {ChunkEncoding::kPlain,     ChunkEncoding::kBitPacked,
                                           ChunkEncoding::kFrameOfReference, ChunkEncoding::kRunLength,
                                           ChunkEncoding::kDelta,     ChunkEncoding::kDictionary,
                                           ChunkEncoding::kDecimalFloat};
constexpr Shape kAllShapes[] = {Shape::kRandom, Shape::kSorted, Shape::kConstant, Shape::kFewDistinct,
                                Shape::kSmallRange};
constexpr NullPattern kAllNullPatterns[] = {NullPattern::kNone, NullPattern::kAll, NullPattern::kSome,
                                            NullPattern::kLeading};
constexpr size_t kRowCounts[] = {0, 1, 2, 7, 63, 64, 65, 2047, 2048, 2049, 4500};

// A chunk opened over bytes that live as long as it does.
struct OpenedChunk {
  std::unique_ptr<std::string> bytes;
  ColumnChunk chunk;

  const ColumnChunk* operator->() const { return &chunk; }
};

OpenedChunk OpenOrFail(std::string bytes) {
  OpenedChunk opened{std::make_unique<std::string>(std::move(bytes)), ColumnChunk()};
  Status status = ColumnChunk::Open(*opened.bytes, &opened.chunk);
  REQUIRE_MESSAGE(status.ok(), status.info().message);
  return opened;
}

// Checks that `chunk` decodes to `expected`, whole and in ranges of a batch and of odd sizes.
void CheckDecodes(const ColumnChunk& chunk, const Vector& expected, std::mt19937_64& random) {
  Vector decoded(expected.type());
  chunk.Decode(&decoded);
  REQUIRE(decoded.size() == expected.size());
  for (idx_t row = 0; row < expected.size(); ++row) {
    if (!testing::SameRow(decoded, row, expected, row)) FAIL_CHECK("row " << row << " differs");
  }
  for (int round = 0; round < 4 && expected.size() > 0; ++round) {
    const idx_t first = round == 0 ? 0 : random() % expected.size();
    const idx_t count = std::min<idx_t>(round == 1 ? kBatchSize : 1 + random() % 3000, expected.size() - first);
    chunk.DecodeRange(first, count, &decoded);
    REQUIRE(decoded.size() == count);
    for (idx_t row = 0; row < count; ++row) {
      if (!testing::SameRow(decoded, row, expected, first + row)) FAIL_CHECK("range row " << first + row << " differs");
    }
  }
}

void CheckStats(const ColumnChunk& chunk, const Vector& vector) {
  const ChunkStats& stats = chunk.stats();
  CHECK(stats.num_rows == vector.size());
  idx_t nulls = 0;
  for (idx_t row = 0; row < vector.size(); ++row) nulls += vector.IsNull(row);
  CHECK(stats.null_count == nulls);
  CHECK(stats.has_value == (nulls < vector.size()));
  CHECK((chunk.NullMask() != nullptr) == (nulls > 0));
}

TEST_SUITE("column_chunk") {

TEST_CASE("every type round-trips through every applicable encoding, shape, NULL pattern and length") {
  std::mt19937_64 random(20261124);
  for (const LogicalType& type : testing::ChunkTestTypes()) {
    for (Shape shape : kAllShapes) {
      for (NullPattern nulls : kAllNullPatterns) {
        for (size_t rows : kRowCounts) {
          Vector vector = testing::MakeVector(type, shape, nulls, rows, random);
          CAPTURE(testing::Describe(type, shape, nulls, rows));
          OpenedChunk chosen = OpenOrFail(EncodeColumnChunk(vector));
          CheckDecodes(chosen.chunk, vector, random);
          CheckStats(chosen.chunk, vector);
          for (ChunkEncoding encoding : kAllEncodings) {
            if (!EncodingApplies(vector, encoding)) continue;
            CAPTURE(ChunkEncodingName(encoding));
            OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(vector, encoding));
            CHECK(chunk->encoding() == encoding);
            CheckDecodes(chunk.chunk, vector, random);
          }
        }
      }
    }
  }
}

TEST_CASE("statistics hold the SQL minimum and maximum of the non-NULL values") {
  Vector ints(TypeId::kInt32, 4);
  ints.SetValue(0, Value::Int32(5));
  ints.SetNull(1, true);
  ints.SetValue(2, Value::Int32(-3));
  ints.SetValue(3, Value::Int32(9));
  OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(ints));
  CHECK(chunk->stats().min.GetInt() == -3);
  CHECK(chunk->stats().max.GetInt() == 9);
  CHECK(chunk->stats().null_count == 1);

  Vector floats(TypeId::kFloat64, 3);
  floats.SetValue(0, Value::Float64(std::numeric_limits<double>::quiet_NaN()));
  floats.SetValue(1, Value::Float64(-1.5));
  floats.SetValue(2, Value::Float64(-0.0));
  OpenedChunk float_chunk = OpenOrFail(EncodeColumnChunk(floats));
  CHECK(float_chunk->stats().min.GetDouble() == -1.5);
  CHECK(std::isnan(float_chunk->stats().max.GetDouble()));  // NaN sorts above every number in SQL

  Vector strings(TypeId::kText, 3);
  strings.SetValue(0, Value::Text("b"));
  strings.SetValue(1, Value::Text("\xff"));
  strings.SetValue(2, Value::Text(""));
  OpenedChunk string_chunk = OpenOrFail(EncodeColumnChunk(strings));
  CHECK(string_chunk->stats().min.GetString() == "");
  CHECK(string_chunk->stats().max.GetString() == "\xff");  // bytewise, unsigned

  Vector empty_type(TypeId::kInt64, 2);
  empty_type.SetNull(0, true);
  empty_type.SetNull(1, true);
  OpenedChunk all_null = OpenOrFail(EncodeColumnChunk(empty_type));
  CHECK_FALSE(all_null->stats().has_value);
  CHECK(all_null->stats().min.is_null());
}

TEST_CASE("an untyped all-NULL column round-trips") {
  Vector untyped(TypeId::kUnknown, 70);
  for (idx_t row = 0; row < 70; ++row) untyped.SetNull(row, true);
  OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(untyped));
  CHECK_FALSE(chunk->stats().has_value);
  CHECK(chunk->stats().null_count == 70);
  Vector decoded(TypeId::kUnknown);
  chunk->DecodeRange(3, 65, &decoded);
  REQUIRE(decoded.size() == 65);
  for (idx_t row = 0; row < 65; ++row) CHECK(decoded.IsNull(row));
}

TEST_CASE("-0.0 and NaN payloads keep their exact bits in plain and dictionary chunks") {
  const uint64_t patterns[] = {0x8000000000000000ull, 0x0000000000000000ull, 0x7ff8000000000001ull,
                               0xfff8000000000000ull, 0x7ff0000000000000ull, 0x0000000000000001ull};
  Vector vector(TypeId::kFloat64, 60);
  for (idx_t row = 0; row < 60; ++row) std::memcpy(&vector.Data<double>()[row], &patterns[row % 6], 8);
  for (ChunkEncoding encoding : {ChunkEncoding::kPlain, ChunkEncoding::kDictionary}) {
    OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(vector, encoding));
    Vector decoded(TypeId::kFloat64);
    chunk->Decode(&decoded);
    for (idx_t row = 0; row < 60; ++row) CHECK(std::memcmp(&decoded.Data<double>()[row], &patterns[row % 6], 8) == 0);
  }
}

TEST_CASE("AppendPlainColumnChunk gives the bytes of a plain chunk of the gathered rows") {
  std::mt19937_64 random(20261124);
  std::vector<Vector> vectors;
  for (const LogicalType& type : testing::ChunkTestTypes()) {
    for (Shape shape : kAllShapes) {
      for (NullPattern nulls : kAllNullPatterns) {
        vectors.push_back(testing::MakeVector(type, shape, nulls, 300, random));
      }
    }
  }
  // Float64 edge bits: -0.0 beside 0.0, NaNs with different payloads, infinities.
  const uint64_t patterns[] = {0x8000000000000000ull, 0x0000000000000000ull, 0x7ff8000000000001ull,
                               0xfff8000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull};
  Vector edges(TypeId::kFloat64, 60);
  for (idx_t row = 0; row < 60; ++row) std::memcpy(&edges.Data<double>()[row], &patterns[(row * 7) % 6], 8);
  vectors.push_back(std::move(edges));
  for (const Vector& vector : vectors) {
    CAPTURE(static_cast<int>(vector.physical_type()));
    for (size_t count : {size_t{0}, size_t{1}, size_t{64}, size_t{65}, size_t{250}}) {
      std::vector<sel_t> selection(count);
      for (sel_t& row : selection) row = static_cast<sel_t>(random() % vector.size());
      std::string appended = "prefix";
      AppendPlainColumnChunk(vector, selection.data(), count, &appended);
      CHECK(appended == "prefix" + EncodeColumnChunk(vector.Gather(selection.data(), count), ChunkEncoding::kPlain));
    }
  }
}

TEST_CASE("the chooser picks the encoding that fits typical column shapes") {
  std::mt19937_64 random(7);
  const idx_t rows = 100000;
  Vector timestamps(TypeId::kTimestamp, rows);
  int64_t now = 757382400000000;  // 2024-01-01
  for (idx_t row = 0; row < rows; ++row) timestamps.Data<int64_t>()[row] = now += (2 + random() % 2) * 1000000;
  CHECK(OpenOrFail(EncodeColumnChunk(timestamps))->encoding() == ChunkEncoding::kDelta);

  Vector irregular_timestamps(TypeId::kTimestamp, rows);
  for (idx_t row = 0; row < rows; ++row) irregular_timestamps.Data<int64_t>()[row] = now += random() % 5000;
  CHECK(OpenOrFail(EncodeColumnChunk(irregular_timestamps))->encoding() == ChunkEncoding::kDelta);

  Vector few_strings(TypeId::kText, rows);
  const char* words[] = {"buy", "sell", "hold", "cancel"};
  for (idx_t row = 0; row < rows; ++row) few_strings.SetString(row, words[random() % 4]);
  CHECK(OpenOrFail(EncodeColumnChunk(few_strings))->encoding() == ChunkEncoding::kDictionary);

  Vector constant(TypeId::kInt32, rows);
  for (idx_t row = 0; row < rows; ++row) constant.Data<int32_t>()[row] = 42;
  CHECK(OpenOrFail(EncodeColumnChunk(constant))->encoding() == ChunkEncoding::kRunLength);

  Vector long_runs(TypeId::kInt64, rows);
  for (idx_t row = 0; row < rows; ++row) long_runs.Data<int64_t>()[row] = static_cast<int64_t>(row / 5000) * 1000003;
  CHECK(OpenOrFail(EncodeColumnChunk(long_runs))->encoding() == ChunkEncoding::kRunLength);

  Vector small_range(TypeId::kInt64, rows);
  for (idx_t row = 0; row < rows; ++row) small_range.Data<int64_t>()[row] = 1000000 + random() % 1000;
  CHECK(OpenOrFail(EncodeColumnChunk(small_range))->encoding() == ChunkEncoding::kFrameOfReference);

  Vector small_values(TypeId::kInt32, rows);
  for (idx_t row = 0; row < rows; ++row) small_values.Data<int32_t>()[row] = random() % 1000;
  CHECK(OpenOrFail(EncodeColumnChunk(small_values))->encoding() == ChunkEncoding::kBitPacked);

  Vector wide_few(TypeId::kInt64, rows);
  for (idx_t row = 0; row < rows; ++row) wide_few.Data<int64_t>()[row] = static_cast<int64_t>(random() % 8) << 50;
  CHECK(OpenOrFail(EncodeColumnChunk(wide_few))->encoding() == ChunkEncoding::kDictionary);

  Vector prices(TypeId::kFloat64, rows);
  for (idx_t row = 0; row < rows; ++row) prices.Data<double>()[row] = static_cast<double>(500 + random() % 2000) / 100;
  OpenedChunk price_chunk = OpenOrFail(EncodeColumnChunk(prices));
  CHECK(price_chunk->encoding() == ChunkEncoding::kDecimalFloat);
  CHECK(price_chunk->fixed()->decimal_scale() == 2);
  CheckDecodes(price_chunk.chunk, prices, random);

  Vector thirds(TypeId::kFloat64, rows);  // few values, none a short decimal
  for (idx_t row = 0; row < rows; ++row) thirds.Data<double>()[row] = static_cast<double>(random() % 50) / 3;
  CHECK(OpenOrFail(EncodeColumnChunk(thirds))->encoding() == ChunkEncoding::kDictionary);

  Vector random_doubles(TypeId::kFloat64, rows);
  for (idx_t row = 0; row < rows; ++row) random_doubles.Data<double>()[row] = static_cast<double>(random()) / 3;
  CHECK(OpenOrFail(EncodeColumnChunk(random_doubles))->encoding() == ChunkEncoding::kPlain);
}

TEST_CASE("decimal floats keep every bit of the doubles they take, and refuse the rest") {
  const auto scale_of = [](std::vector<double> values) {
    return FixedBody::DecimalScale(std::string_view(reinterpret_cast<const char*>(values.data()),
                                                    values.size() * sizeof(double)));
  };
  CHECK(scale_of({1.0, 2.0, -3.0, 0.0}) == 0);
  CHECK(scale_of({0.1, 123.45, -7.5}) == 2);
  CHECK(scale_of({0.1, 1e-15}) == 15);
  CHECK(scale_of({1e-16}) == std::nullopt);
  CHECK(scale_of({100000.0, 1e-15}) == std::nullopt);  // 10^20 once 1e-15 needs scale 15
  CHECK(scale_of({1.0, -0.0}) == std::nullopt);  // -0.0 would come back as +0.0
  CHECK(scale_of({std::nan("")}) == std::nullopt);
  CHECK(scale_of({INFINITY}) == std::nullopt);
  CHECK(scale_of({1.0 / 3}) == std::nullopt);
  CHECK(scale_of({4503599627370496.0}) == std::nullopt);  // 2^52: beyond the integers it keeps
  CHECK(scale_of({2251799813685247.0, -2251799813685247.0}) == 0);

  // Values from text, as COPY reads them: each decodes to the double strtod gives.
  const char* texts[] = {"323.36", "0.07", "-0.01", "19.99", "100", "0.3", "2251.799813685247", "-5e-3"};
  Vector parsed(TypeId::kFloat64, std::size(texts));
  for (size_t row = 0; row < std::size(texts); ++row) parsed.Data<double>()[row] = std::strtod(texts[row], nullptr);
  OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(parsed, ChunkEncoding::kDecimalFloat));
  REQUIRE(chunk->encoding() == ChunkEncoding::kDecimalFloat);
  CHECK(chunk->fixed()->decimal_scale() == 12);
  Vector decoded(TypeId::kFloat64);
  chunk->Decode(&decoded);
  CHECK(std::memcmp(decoded.Data<double>(), parsed.Data<double>(), std::size(texts) * sizeof(double)) == 0);
}

TEST_CASE("large string sections are LZ4-compressed and decode to the same strings") {
  const idx_t rows = 3000;
  Vector texts(TypeId::kText, rows);
  for (idx_t row = 0; row < rows; ++row) {
    texts.SetString(row, "order " + std::to_string(row) + " filled on the primary exchange at the best price");
  }
  const std::string bytes = EncodeColumnChunk(texts);
  OpenedChunk chunk = OpenOrFail(bytes);
  REQUIRE(chunk->strings() != nullptr);
  CHECK(chunk->encoding() == ChunkEncoding::kPlain);
  CHECK(chunk->strings()->compressed());
  CHECK(bytes.size() < rows * 20);
  std::mt19937_64 random(3);
  CheckDecodes(chunk.chunk, texts, random);
}

TEST_CASE("numeric with one scale is stored as integers, mixed scales as 20-byte values") {
  Vector one_scale(LogicalType::Numeric(10, 2), 100);
  for (idx_t row = 0; row < 100; ++row) one_scale.SetValue(row, Value::Numeric(Decimal{static_cast<__int128>(row) * 7, 2}));
  OpenedChunk chunk = OpenOrFail(EncodeColumnChunk(one_scale));
  CHECK(chunk->domain() == ValueDomain::kInteger);
  CHECK(chunk->decimal_scale() == 2);

  Vector mixed = one_scale;
  mixed.SetValue(5, Value::Numeric(Decimal{15, 1}));
  CHECK(OpenOrFail(EncodeColumnChunk(mixed))->domain() == ValueDomain::kFixed);
}

TEST_CASE("AllBelow finds a packed value at or above the limit at every width and position") {
  std::mt19937_64 random(57);
  for (int width : {1, 3, 7, 8, 13, 31, 32, 33, 48, 63, 64}) {
    for (size_t count : {1, 100, 2048, 2049, 5000}) {
      CAPTURE(width);
      CAPTURE(count);
      const uint64_t max_value = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
      std::vector<uint64_t> values(count);
      for (auto& value : values) value = random() % max_value;  // below max_value
      const size_t position = random() % count;
      values[position] = max_value;
      ByteWriter writer;
      WritePacked(values.data(), count, &writer);
      const std::string bytes = writer.bytes();
      ByteReader reader(bytes);
      PackedInts packed;
      REQUIRE(ReadPacked(&reader, count, &packed));
      REQUIRE(packed.width == width);
      CHECK_FALSE(AllBelow(packed, max_value));
      CHECK(AllBelow(packed, max_value == ~uint64_t{0} ? max_value : max_value + 1) == (max_value != ~uint64_t{0}));
      CHECK_FALSE(AllBelow(packed, 0));
    }
  }
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::storage
