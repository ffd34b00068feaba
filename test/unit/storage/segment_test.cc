// SPDX-License-Identifier: Apache-2.0
// Segment files: round trips over every type with NULLs and edge row counts, row group statistics,
// partial reads, and crash atomicity of the write.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <random>

#include "chunk_test_data.h"
#include "segment_test_support.h"
#include "storage/segment_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

using testing::Columns;

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

void WriteOrFail(const std::string& path, const Columns& columns, uint32_t row_group_size, SegmentFooter* footer) {
  Status status = WriteSegment(path, columns.types, columns.vectors, {row_group_size}, footer);
  REQUIRE_MESSAGE(status.ok(), status.info().message);
}

SegmentReader OpenOrFail(const std::string& path) {
  SegmentReader reader;
  Status status = SegmentReader::Open(path, &reader);
  REQUIRE_MESSAGE(status.ok(), status.info().message);
  return reader;
}

TEST_SUITE("segment") {

TEST_CASE("round trip over all types with NULLs at edge row counts") {
  TempDirectory directory;
  std::mt19937_64 random(7);
  constexpr uint32_t kRowGroupSize = 100;
  for (size_t rows : {0, 1, 2, 99, 100, 101, 300, 345}) {
    CAPTURE(rows);
    const Columns columns = testing::MakeColumns(rows, random);
    const std::string path = directory.path() + "/segment-" + std::to_string(rows);
    SegmentFooter written;
    WriteOrFail(path, columns, kRowGroupSize, &written);
    SegmentReader reader = OpenOrFail(path);
    CHECK(reader.row_groups().size() == (rows + kRowGroupSize - 1) / kRowGroupSize);
    CHECK(reader.footer().row_group_size == kRowGroupSize);
    CHECK(written.row_groups.size() == reader.row_groups().size());
    Status status = testing::ReadAndCompare(reader, columns);
    CHECK_MESSAGE(status.ok(), status.info().message);
    CHECK(!FileExists(path + ".tmp"));
  }
}

TEST_CASE("the default row group size splits a large segment") {
  TempDirectory directory;
  std::mt19937_64 random(8);
  const size_t rows = kDefaultRowGroupSize + 1;
  Columns columns;
  columns.types = {TypeId::kInt64, TypeId::kText};
  columns.vectors = {testing::MakeVector(TypeId::kInt64, testing::Shape::kSorted, testing::NullPattern::kSome, rows, random),
                     testing::MakeVector(TypeId::kText, testing::Shape::kFewDistinct, testing::NullPattern::kNone, rows, random)};
  const std::string path = directory.path() + "/segment";
  WriteOrFail(path, columns, kDefaultRowGroupSize, nullptr);
  SegmentReader reader = OpenOrFail(path);
  REQUIRE(reader.row_groups().size() == 2);
  CHECK(reader.row_groups()[1].num_rows == 1);
  Status status = testing::ReadAndCompare(reader, columns);
  CHECK_MESSAGE(status.ok(), status.info().message);
}

TEST_CASE("an untyped column of NULLs") {
  TempDirectory directory;
  Columns columns;
  columns.types = {TypeId::kUnknown, TypeId::kInt32};
  columns.vectors = {Vector(TypeId::kUnknown, 25), Vector(TypeId::kInt32, 25)};
  for (idx_t row = 0; row < 25; ++row) columns.vectors[0].SetNull(row, true);
  const std::string path = directory.path() + "/segment";
  WriteOrFail(path, columns, 10, nullptr);
  SegmentReader reader = OpenOrFail(path);
  CHECK(!reader.row_groups()[0].chunks[0].stats.has_value);
  Status status = testing::ReadAndCompare(reader, columns);
  CHECK_MESSAGE(status.ok(), status.info().message);
}

TEST_CASE("a segment without columns or rows") {
  TempDirectory directory;
  const std::string path = directory.path() + "/segment";
  WriteOrFail(path, Columns(), 10, nullptr);
  SegmentReader reader = OpenOrFail(path);
  CHECK(reader.num_rows() == 0);
  CHECK(reader.row_groups().empty());
}

TEST_CASE("partial reads of a row group") {
  TempDirectory directory;
  std::mt19937_64 random(9);
  const Columns columns = testing::MakeColumns(250, random);
  const std::string path = directory.path() + "/segment";
  WriteOrFail(path, columns, 100, nullptr);
  SegmentReader reader = OpenOrFail(path);
  for (size_t column = 0; column < columns.types.size(); ++column) {
    for (auto [group, first, count] : {std::tuple{0, 0, 0}, std::tuple{0, 17, 50}, std::tuple{2, 49, 1}, std::tuple{1, 0, 100}}) {
      Vector out;
      REQUIRE(reader.ReadColumn(group, column, first, count, &out).ok());
      REQUIRE(out.size() == static_cast<idx_t>(count));
      for (idx_t row = 0; row < out.size(); ++row) {
        CHECK(testing::SameRow(out, row, columns.vectors[column], group * 100 + first + row));
      }
    }
  }
}

TEST_CASE("row group statistics exclude row groups for a predicate") {
  TempDirectory directory;
  Columns columns;
  columns.types = {TypeId::kInt32, TypeId::kText};
  columns.vectors = {Vector(TypeId::kInt32, 300), Vector(TypeId::kText, 300)};
  for (idx_t row = 0; row < 300; ++row) {
    columns.vectors[0].Data<int32_t>()[row] = static_cast<int32_t>(row);
    columns.vectors[1].SetString(row, row < 200 ? "apple" : "pear");
  }
  columns.vectors[0].SetNull(150, true);
  const std::string path = directory.path() + "/segment";
  SegmentFooter written;
  WriteOrFail(path, columns, 100, &written);
  SegmentReader reader = OpenOrFail(path);
  const auto& group1 = reader.row_groups()[1].chunks[0].stats;
  CHECK(group1.null_count == 1);
  CHECK(group1.min.GetInt() == 100);
  CHECK(group1.max.GetInt() == 199);
  CHECK(written.row_groups[1].chunks[0].stats.null_count == 1);
  const Value x = Value::Int32(150);
  CHECK(!reader.RowGroupMayMatch(0, 0, CompareOp::kEqual, x));
  CHECK(reader.RowGroupMayMatch(1, 0, CompareOp::kEqual, x));
  CHECK(!reader.RowGroupMayMatch(2, 0, CompareOp::kLess, x));
  CHECK(reader.RowGroupMayMatch(2, 0, CompareOp::kGreater, x));
  CHECK(!reader.RowGroupMayMatch(2, 1, CompareOp::kEqual, Value::Text("apple")));
  CHECK(reader.RowGroupMayMatch(1, 1, CompareOp::kEqual, Value::Text("apple")));
}

TEST_CASE("a leftover temporary file is never read and is replaced by the next write") {
  TempDirectory directory;
  std::mt19937_64 random(10);
  const std::string path = directory.path() + "/segment";
  WriteFile(path + ".tmp", "half a segment written before a crash");
  SegmentReader reader;
  Status status = SegmentReader::Open(path, &reader);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kUndefinedFile);

  const Columns columns = testing::MakeColumns(30, random);
  WriteOrFail(path, columns, 10, nullptr);
  CHECK(!FileExists(path + ".tmp"));
  WriteFile(path + ".tmp", "a crash while replacing the segment");
  reader = OpenOrFail(path);
  status = testing::ReadAndCompare(reader, columns);
  CHECK_MESSAGE(status.ok(), status.info().message);
}

TEST_CASE("a failed write leaves no file behind") {
  TempDirectory directory;
  const std::string path = directory.path() + "/missing-directory/segment";
  Status status = WriteSegment(path, {}, {}, {}, nullptr);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kUndefinedFile);
  CHECK(!FileExists(path));
}

}  // TEST_SUITE
}  // namespace
}  // namespace tessera::storage
