// SPDX-License-Identifier: Apache-2.0
// SegmentScan: the rows and row numbers it returns equal a brute-force filter of the written vectors,
// for random filters over every type, shape and NULL pattern; sorted data lets it skip row groups.
#include "storage/segment_scan.h"

#include <doctest/doctest.h>

#include <random>

#include "chunk_test_data.h"
#include "segment_test_support.h"
#include "storage/encoding/physical_value.h"
#include "storage/segment_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

using testing::Columns;
using testing::NullPattern;
using testing::Shape;

constexpr CompareOp kAllOps[] = {CompareOp::kEqual, CompareOp::kNotEqual,  CompareOp::kLess,
                                 CompareOp::kLessEqual, CompareOp::kGreater, CompareOp::kGreaterEqual};

SegmentReader WriteAndOpen(const std::string& path, const Columns& columns, uint32_t row_group_size) {
  Status status = WriteSegment(path, columns.types, columns.vectors, {row_group_size}, nullptr);
  REQUIRE_MESSAGE(status.ok(), status.info().message);
  SegmentReader reader;
  status = SegmentReader::Open(path, &reader);
  REQUIRE_MESSAGE(status.ok(), status.info().message);
  return reader;
}

bool RowPasses(const Columns& columns, const ScanFilter& filter, idx_t row) {
  for (const ScanPredicate& predicate : filter.predicates) {
    const Vector& vector = columns.vectors[predicate.column];
    const bool is_null = vector.IsNull(row);
    switch (predicate.kind) {
      case ScanPredicateKind::kIsNull:
        if (!is_null) return false;
        continue;
      case ScanPredicateKind::kIsNotNull:
        if (is_null) return false;
        continue;
      case ScanPredicateKind::kCompare: break;
    }
    if (is_null) return false;
    const int order = ComparePhysical(vector.physical_type(), vector.GetValue(row), predicate.constant);
    if (!CompareHolds(predicate.op, order)) return false;
  }
  return true;
}

struct ScanOutput {
  std::vector<uint64_t> row_numbers;
  std::vector<Batch> batches;
  SegmentScanStats stats;
};

// With `reader_owner`, strings stored uncompressed come back as views into the reader's mapping.
ScanOutput ScanAll(const SegmentReader& reader, const std::vector<int>& column_ids, const ScanFilter& filter,
                   std::shared_ptr<const void> reader_owner = nullptr) {
  SegmentScan scan(reader, column_ids, filter, 0, std::move(reader_owner));
  ScanOutput output;
  for (;;) {
    Batch batch;
    std::vector<uint64_t> row_numbers;
    bool done = false;
    Status status = scan.Next(&batch, &row_numbers, &done);
    REQUIRE_MESSAGE(status.ok(), status.info().message);
    if (done) break;
    REQUIRE(batch.num_rows > 0);
    REQUIRE(batch.num_rows <= kBatchSize);
    REQUIRE(row_numbers.size() == batch.num_rows);
    REQUIRE(batch.columns.size() == column_ids.size());
    for (const Vector& column : batch.columns) REQUIRE(column.size() == batch.num_rows);
    output.row_numbers.insert(output.row_numbers.end(), row_numbers.begin(), row_numbers.end());
    output.batches.push_back(std::move(batch));
  }
  output.stats = scan.stats();
  return output;
}

// Checks one scan: exactly the passing rows, in order, with the right values.
void CheckScan(const Columns& columns, const SegmentReader& reader, const std::vector<int>& column_ids,
               const ScanFilter& filter, std::shared_ptr<const void> reader_owner) {
  CAPTURE(filter.ToString());
  const ScanOutput output = ScanAll(reader, column_ids, filter, std::move(reader_owner));
  std::vector<uint64_t> expected;
  for (idx_t row = 0; row < columns.vectors[0].size(); ++row) {
    if (RowPasses(columns, filter, row)) expected.push_back(row);
  }
  REQUIRE(output.row_numbers == expected);
  CHECK(output.stats.rows_selected == expected.size());
  size_t position = 0;
  for (const Batch& batch : output.batches) {
    for (idx_t row = 0; row < batch.num_rows; ++row, ++position) {
      for (size_t output_column = 0; output_column < column_ids.size(); ++output_column) {
        const Vector& source = columns.vectors[column_ids[output_column]];
        if (!testing::SameRow(batch.columns[output_column], row, source, expected[position])) {
          FAIL_CHECK("output column " << output_column << " differs at segment row " << expected[position]);
        }
      }
    }
  }
}

// Checks that the scan returned exactly the passing rows, in order, with the right values, whether
// strings are copied or (with an owner of the reader) viewed in place.
void CheckScan(const Columns& columns, const SegmentReader& reader, const std::vector<int>& column_ids,
               const ScanFilter& filter) {
  for (const bool in_place : {false, true}) {
    CAPTURE(in_place);
    CheckScan(columns, reader, column_ids, filter, in_place ? std::make_shared<int>(0) : nullptr);
  }
}

// A comparison with a value of the column (or, for integers, just beside or far from one), or a NULL
// test.
ScanPredicate RandomPredicate(const Columns& columns, int column, std::mt19937_64& random) {
  const Vector& vector = columns.vectors[column];
  const int choice = static_cast<int>(random() % 10);
  if (choice == 0) return ScanPredicate::IsNull(column, random() & 1);
  std::vector<idx_t> valued;
  for (idx_t row = 0; row < vector.size(); row += 1 + vector.size() / 50) {
    if (!vector.IsNull(row)) valued.push_back(row);
  }
  if (valued.empty()) return ScanPredicate::IsNull(column, random() & 1);
  Value constant = vector.GetValue(valued[random() % valued.size()]);
  const PhysicalType type = vector.physical_type();
  if (choice == 1 && (type == PhysicalType::kInt16 || type == PhysicalType::kInt32 || type == PhysicalType::kInt64)) {
    const int64_t shifts[] = {-1, 1, -1000000, 1000000};
    const int64_t base = constant.GetInt();
    const int64_t shift = shifts[random() % 4];
    const bool overflows = (shift > 0 && base > INT64_MAX - shift) || (shift < 0 && base < INT64_MIN - shift);
    if (!overflows) constant = Value::FromInt(constant.type(), base + shift);
  }
  return ScanPredicate::Compare(column, kAllOps[random() % 6], constant);
}

std::vector<int> RandomColumns(size_t num_columns, std::mt19937_64& random) {
  std::vector<int> column_ids;
  const size_t count = random() % 4;
  for (size_t index = 0; index < count; ++index) column_ids.push_back(static_cast<int>(random() % num_columns));
  return column_ids;
}

// Columns of every test type in random shapes and NULL patterns.
Columns RandomColumnSet(size_t rows, std::mt19937_64& random) {
  constexpr Shape kShapes[] = {Shape::kRandom, Shape::kSorted, Shape::kFewDistinct, Shape::kConstant, Shape::kSmallRange};
  constexpr NullPattern kNulls[] = {NullPattern::kNone, NullPattern::kSome, NullPattern::kLeading, NullPattern::kAll};
  Columns columns;
  for (const LogicalType& type : testing::ChunkTestTypes()) {
    const NullPattern nulls = random() % 8 == 0 ? kNulls[random() % 4] : kNulls[random() % 2];
    columns.types.push_back(type);
    columns.vectors.push_back(testing::MakeVector(type, kShapes[random() % 5], nulls, rows, random));
  }
  return columns;
}

// Which evaluation path a predicate takes on a row group's chunk, counted to check that the random
// filters reach them all.
struct PathCounts {
  int dictionary = 0;
  int packed = 0;
  int decoded = 0;
};

void CountPaths(const SegmentReader& reader, const ScanFilter& filter, PathCounts* counts) {
  for (const ScanPredicate& predicate : filter.predicates) {
    if (predicate.kind != ScanPredicateKind::kCompare) continue;
    std::string bytes;
    ColumnChunk chunk;
    REQUIRE(reader.ReadChunk(0, predicate.column, &bytes, &chunk).ok());
    const ChunkEncoding encoding = chunk.encoding();
    if (encoding == ChunkEncoding::kDictionary) {
      ++counts->dictionary;
    } else if (chunk.integers() != nullptr && chunk.physical_type() != PhysicalType::kDecimal &&
               (encoding == ChunkEncoding::kBitPacked || encoding == ChunkEncoding::kFrameOfReference)) {
      ++counts->packed;
    } else {
      ++counts->decoded;
    }
  }
}

TEST_SUITE("segment_scan") {

TEST_CASE("random filters over every type return exactly the rows a brute-force filter keeps") {
  TempDirectory directory;
  const uint64_t seed = std::random_device()();
  CAPTURE(seed);
  std::mt19937_64 random(seed);
  PathCounts paths;
  for (int round = 0; round < 12; ++round) {
    const size_t rows = random() % 3 == 0 ? random() % 40 : 1000 + random() % 6000;
    const uint32_t row_group_size = random() % 2 == 0 ? 1000 : 4500;
    CAPTURE(rows);
    CAPTURE(row_group_size);
    const Columns columns = RandomColumnSet(rows, random);
    const SegmentReader reader = WriteAndOpen(directory.path() + "/segment" + std::to_string(round), columns, row_group_size);
    for (int trial = 0; trial < 40; ++trial) {
      ScanFilter filter;
      const size_t num_predicates = random() % 4;
      for (size_t index = 0; index < num_predicates; ++index) {
        filter.predicates.push_back(RandomPredicate(columns, static_cast<int>(random() % columns.types.size()), random));
      }
      if (rows > 0) CountPaths(reader, filter, &paths);
      CheckScan(columns, reader, RandomColumns(columns.types.size(), random), filter);
    }
  }
  CHECK(paths.dictionary > 0);
  CHECK(paths.packed > 0);
  CHECK(paths.decoded > 0);
}

TEST_CASE("no filter returns every row in batches with their row numbers") {
  TempDirectory directory;
  std::mt19937_64 random(11);
  const size_t rows = 3 * kBatchSize + 17;
  const Columns columns = RandomColumnSet(rows, random);
  const SegmentReader reader = WriteAndOpen(directory.path() + "/segment", columns, 3000);
  std::vector<int> all_columns;
  for (size_t column = 0; column < columns.types.size(); ++column) all_columns.push_back(static_cast<int>(column));
  const ScanOutput output = ScanAll(reader, all_columns, ScanFilter());
  CHECK(output.row_numbers.size() == rows);
  CHECK(output.batches.size() == 4);
  CHECK(output.stats.row_groups_skipped == 0);
  CHECK(output.stats.rows_examined == rows);
  CheckScan(columns, reader, all_columns, ScanFilter());
}

TEST_CASE("sorted data lets the scan skip row groups by their statistics") {
  TempDirectory directory;
  std::mt19937_64 random(12);
  const size_t rows = 20000;
  Columns columns;
  columns.types = {TypeId::kInt64, TypeId::kText, TypeId::kFloat64};
  columns.vectors = {Vector(TypeId::kInt64, rows), Vector(TypeId::kText, rows),
                     testing::MakeVector(TypeId::kFloat64, Shape::kRandom, NullPattern::kSome, rows, random)};
  for (idx_t row = 0; row < rows; ++row) {
    columns.vectors[0].Data<int64_t>()[row] = static_cast<int64_t>(row * 3);
    char name[16];
    std::snprintf(name, sizeof name, "k%06zu", static_cast<size_t>(row / 7));
    columns.vectors[1].SetString(row, name);
  }
  const SegmentReader reader = WriteAndOpen(directory.path() + "/segment", columns, 1000);
  const std::vector<ScanFilter> filters = {
      {{ScanPredicate::Compare(0, CompareOp::kGreaterEqual, Value::Int64(30000)),
        ScanPredicate::Compare(0, CompareOp::kLess, Value::Int64(33000))}},
      {{ScanPredicate::Compare(1, CompareOp::kEqual, Value::Text("k001234"))}},
      {{ScanPredicate::Compare(1, CompareOp::kLess, Value::Text("k000200")),
        ScanPredicate::Compare(2, CompareOp::kGreater, Value::Float64(0.0))}},
      {{ScanPredicate::Compare(0, CompareOp::kGreater, Value::Int64(1000000))}},
  };
  for (const ScanFilter& filter : filters) {
    CAPTURE(filter.ToString());
    const ScanOutput output = ScanAll(reader, {2, 0, 1}, filter);
    CHECK(output.stats.row_groups == 20);
    CHECK(output.stats.row_groups_skipped >= 18);
    CHECK(output.stats.rows_examined <= 2000);
    CheckScan(columns, reader, {2, 0, 1}, filter);
  }
}

TEST_CASE("strings stored uncompressed are returned in place, keeping the reader's owner alive") {
  TempDirectory directory;
  std::mt19937_64 random(14);
  const size_t rows = 3 * kBatchSize + 100;
  // Random 64-byte vectors (plain, incompressible), distinct but repetitive text (plain, LZ4) and a few
  // distinct vectors (dictionary), each with NULLs.
  Columns columns;
  columns.types = {TypeId::kVector, TypeId::kText, TypeId::kVector};
  columns.vectors = {Vector(TypeId::kVector, rows), Vector(TypeId::kText, rows), Vector(TypeId::kVector, rows)};
  for (idx_t row = 0; row < rows; ++row) {
    std::string payload(64, '\0');
    for (char& byte : payload) byte = static_cast<char>(random());
    columns.vectors[0].SetString(row, payload);
    columns.vectors[1].SetString(row, std::string(100, 'a') + std::to_string(row));
    columns.vectors[2].SetString(row, std::string(64, static_cast<char>('0' + row % 5)));
    for (Vector& vector : columns.vectors) vector.SetNull(row, row % 13 == 0);
  }
  const SegmentReader reader = WriteAndOpen(directory.path() + "/segment", columns, 3000);
  REQUIRE(reader.mapped());
  const ChunkEncoding expected_encodings[] = {ChunkEncoding::kPlain, ChunkEncoding::kPlain, ChunkEncoding::kDictionary};
  for (int column = 0; column < 3; ++column) {
    std::string bytes;
    ColumnChunk chunk;
    REQUIRE(reader.ReadChunk(0, column, &bytes, &chunk).ok());
    CHECK(chunk.encoding() == expected_encodings[column]);
    CHECK(chunk.StringsInPlace() == (column != 1));
  }
  const ScanFilter not_null{{ScanPredicate::IsNull(0, /*negated=*/true)}};
  for (int column = 0; column < 3; ++column) {
    CAPTURE(column);
    auto owner = std::make_shared<int>(0);
    const ScanOutput output = ScanAll(reader, {column}, not_null, owner);
    // The scan is gone: only output vectors holding views still share the owner.
    CHECK((owner.use_count() > 1) == (column != 1));
    CHECK(output.row_numbers.size() == rows - (rows + 12) / 13);
    CheckScan(columns, reader, {column}, not_null);
    CheckScan(columns, reader, {column}, ScanFilter());
  }
}

TEST_CASE("a damaged chunk fails the scan with XX001") {
  TempDirectory directory;
  std::mt19937_64 random(13);
  const Columns columns = RandomColumnSet(500, random);
  const std::string path = directory.path() + "/segment";
  {
    const SegmentReader reader = WriteAndOpen(path, columns, 500);
    const SegmentChunkInfo& chunk = reader.row_groups()[0].chunks[3];
    std::string bytes = ReadFile(path);
    bytes[chunk.offset + chunk.size / 2] ^= 0x20;
    WriteFile(path, bytes);
  }
  SegmentReader reader;
  REQUIRE(SegmentReader::Open(path, &reader).ok());
  SegmentScan scan(reader, {3}, ScanFilter());
  Batch batch;
  bool done = false;
  Status status = scan.Next(&batch, nullptr, &done);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kDataCorrupted);
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::storage
