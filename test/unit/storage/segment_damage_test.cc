// SPDX-License-Identifier: Apache-2.0
// Damaged segment files: every flipped byte and every truncation is reported as XX001 naming the file,
// or (for bytes no read depends on) still gives the right data; never wrong data or a crash.
#include <doctest/doctest.h>

#include <random>

#include "chunk_test_data.h"
#include "segment_test_support.h"
#include "simd/crc32c.h"
#include "storage/segment_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

using testing::Columns;

// A segment small enough to damage byte by byte: three row groups, a few types, NULLs.
Columns SmallColumns() {
  std::mt19937_64 random(21);
  Columns columns;
  columns.types = {TypeId::kInt32, TypeId::kText, TypeId::kFloat64, LogicalType::Numeric(12, 2)};
  for (const LogicalType& type : columns.types) {
    columns.vectors.push_back(testing::MakeVector(type, testing::Shape::kFewDistinct, testing::NullPattern::kSome, 23, random));
  }
  return columns;
}

// Opens the file at `path` and reads all of it. Returns the first error; wrong data fails the test.
Status OpenAndRead(const std::string& path, const Columns& expected) {
  SegmentReader reader;
  Status status = SegmentReader::Open(path, &reader);
  if (!status.ok()) return status;
  return testing::ReadAndCompare(reader, expected);
}

// Opens `path` and reads every chunk, without knowing what the data should be.
Status OpenAndReadAll(const std::string& path) {
  SegmentReader reader;
  Status status = SegmentReader::Open(path, &reader);
  for (size_t group = 0; status.ok() && group < reader.row_groups().size(); ++group) {
    for (size_t column = 0; status.ok() && column < reader.column_types().size(); ++column) {
      Vector out;
      status = reader.ReadColumn(group, column, 0, reader.row_groups()[group].num_rows, &out);
    }
  }
  return status;
}

// Recomputes the footer CRC and the trailer CRC of a segment file image whose footer, at
// [footer_offset, trailer), was changed.
void ResealFooter(size_t footer_offset, std::string* bytes) {
  char* trailer = bytes->data() + bytes->size() - kSegmentTrailerSize;
  const size_t footer_size = bytes->size() - kSegmentTrailerSize - footer_offset;
  const uint32_t footer_crc = simd::Crc32c(bytes->data() + footer_offset, footer_size);
  std::memcpy(trailer + 16, &footer_crc, 4);
  const uint32_t trailer_crc = simd::Crc32c(trailer, 24);
  std::memcpy(trailer + 24, &trailer_crc, 4);
}

void CheckCorruptionReported(const Status& status, const std::string& path) {
  CHECK(status.state() == SqlState::kDataCorrupted);
  CHECK_MESSAGE(status.info().message.find("\"" + path + "\"") != std::string::npos, status.info().message);
}

TEST_SUITE("segment_damage") {

TEST_CASE("every single flipped byte is detected or harmless") {
  TempDirectory directory;
  const Columns columns = SmallColumns();
  const std::string good_path = directory.path() + "/good";
  REQUIRE(WriteSegment(good_path, columns.types, columns.vectors, {10}, nullptr).ok());
  const std::string good = ReadFile(good_path);
  const std::string bad_path = directory.path() + "/bad";
  size_t detected = 0;
  size_t harmless = 0;
  for (size_t position = 0; position < good.size(); ++position) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      CAPTURE(position);
      std::string bad = good;
      bad[position] = static_cast<char>(bad[position] ^ mask);
      WriteFile(bad_path, bad);
      Status status = OpenAndRead(bad_path, columns);
      if (status.ok()) {
        ++harmless;
      } else {
        ++detected;
        CheckCorruptionReported(status, bad_path);
      }
    }
  }
  MESSAGE(detected << " flips detected, " << harmless << " harmless, of a " << good.size() << "-byte file");
}

TEST_CASE("a crafted footer or trailer with correct checksums is validated") {
  TempDirectory directory;
  const Columns columns = SmallColumns();
  const std::string good_path = directory.path() + "/good";
  SegmentFooter footer;
  REQUIRE(WriteSegment(good_path, columns.types, columns.vectors, {10}, &footer).ok());
  const std::string good = ReadFile(good_path);
  const size_t footer_offset = footer.row_groups.back().chunks.back().offset + footer.row_groups.back().chunks.back().size;
  const std::string bad_path = directory.path() + "/bad";
  size_t detected = 0;
  for (size_t position = footer_offset; position < good.size() - kSegmentTrailerSize + 16; ++position) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x10}, uint8_t{0x80}, uint8_t{0xff}}) {
      CAPTURE(position);
      std::string bad = good;
      bad[position] = static_cast<char>(bad[position] ^ mask);
      ResealFooter(footer_offset, &bad);
      WriteFile(bad_path, bad);
      Status status = OpenAndReadAll(bad_path);
      if (!status.ok()) {
        ++detected;
        CheckCorruptionReported(status, bad_path);
      }
    }
  }
  MESSAGE(detected << " crafted footers rejected");
}

TEST_CASE("truncation at every length is detected") {
  TempDirectory directory;
  const Columns columns = SmallColumns();
  const std::string good_path = directory.path() + "/good";
  REQUIRE(WriteSegment(good_path, columns.types, columns.vectors, {10}, nullptr).ok());
  const std::string good = ReadFile(good_path);
  const std::string bad_path = directory.path() + "/bad";
  for (size_t length = 0; length < good.size(); ++length) {
    CAPTURE(length);
    WriteFile(bad_path, good.substr(0, length));
    Status status = OpenAndRead(bad_path, columns);
    REQUIRE(!status.ok());
    CheckCorruptionReported(status, bad_path);
  }
}

TEST_CASE("damage in a chunk names its row group and column") {
  TempDirectory directory;
  const Columns columns = SmallColumns();
  const std::string path = directory.path() + "/segment";
  SegmentFooter footer;
  REQUIRE(WriteSegment(path, columns.types, columns.vectors, {10}, &footer).ok());
  std::string bytes = ReadFile(path);
  bytes[footer.row_groups[1].chunks[2].offset + 5] ^= 0x10;
  WriteFile(path, bytes);
  Status status = OpenAndRead(path, columns);
  REQUIRE(!status.ok());
  CheckCorruptionReported(status, path);
  CHECK_MESSAGE(status.info().message.find("row group 1, column 2") != std::string::npos, status.info().message);
}

TEST_CASE("a newer format version is not supported") {
  TempDirectory directory;
  const std::string path = directory.path() + "/segment";
  REQUIRE(WriteSegment(path, {}, {}, {}, nullptr).ok());
  std::string bytes = ReadFile(path);
  bytes[4] = 2;  // header version
  const uint32_t crc = simd::Crc32c(bytes.data(), 12);
  std::memcpy(bytes.data() + 12, &crc, 4);
  WriteFile(path, bytes);
  SegmentReader reader;
  Status status = SegmentReader::Open(path, &reader);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kFeatureNotSupported);
}

}  // TEST_SUITE
}  // namespace
}  // namespace tessera::storage
