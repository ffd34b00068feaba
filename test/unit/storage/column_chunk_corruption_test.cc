// SPDX-License-Identifier: Apache-2.0
// Corrupt chunks: every flipped byte is caught by the checksum, and malformed chunks whose checksum was
// recomputed (a writer bug, or a crafted file) are rejected by validation, never read out of bounds.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "base/check.h"
#include "chunk_test_data.h"
#include "simd/crc32c.h"
#include "storage/column_chunk.h"
#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

using testing::NullPattern;
using testing::Shape;

// One chunk per encoding and value domain, small enough to flip every byte of.
std::vector<std::string> SampleChunks() {
  std::mt19937_64 random(99);
  std::vector<std::string> chunks;
  const LogicalType types[] = {TypeId::kInt32, TypeId::kTimestamp, TypeId::kFloat64, LogicalType::Numeric(30, 3),
                               TypeId::kText, TypeId::kInterval, TypeId::kBool};
  for (const LogicalType& type : types) {
    for (Shape shape : {Shape::kRandom, Shape::kSorted, Shape::kFewDistinct}) {
      Vector vector = testing::MakeVector(type, shape, NullPattern::kSome, 70, random);
      for (uint8_t encoding = 0; encoding <= kMaxChunkEncoding; ++encoding) {
        if (EncodingApplies(vector, static_cast<ChunkEncoding>(encoding))) {
          chunks.push_back(EncodeColumnChunk(vector, static_cast<ChunkEncoding>(encoding)));
        }
      }
    }
  }
  Vector long_text(TypeId::kText, 400);
  for (idx_t row = 0; row < 400; ++row) long_text.SetString(row, "compressible text row " + std::to_string(row % 17));
  chunks.push_back(EncodeColumnChunk(long_text, ChunkEncoding::kPlain));  // LZ4 section
  return chunks;
}

void RewriteCrc(std::string* chunk) {
  const uint32_t crc = simd::Crc32c(chunk->data(), chunk->size() - 4);
  std::memcpy(chunk->data() + chunk->size() - 4, &crc, 4);
}

// Opens `bytes` (copied to an exact-size heap buffer, so reads past it would be out of bounds) and, if
// it opens, decodes it fully. Returns the open status.
Status OpenAndDecode(const std::string& bytes) {
  auto buffer = std::make_unique<char[]>(bytes.size());
  std::memcpy(buffer.get(), bytes.data(), bytes.size());
  ColumnChunk chunk;
  Status status = ColumnChunk::Open(std::string_view(buffer.get(), bytes.size()), &chunk);
  if (status.ok()) {
    Vector out(StatsType(chunk.physical_type()));
    chunk.Decode(&out);
  }
  return status;
}

TEST_SUITE("column_chunk_corruption") {

TEST_CASE("every single flipped byte is detected as data corruption") {
  size_t flips = 0;
  for (const std::string& good : SampleChunks()) {
    REQUIRE(OpenAndDecode(good).ok());
    for (size_t position = 0; position < good.size(); ++position) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        std::string bad = good;
        bad[position] = static_cast<char>(bad[position] ^ mask);
        Status status = OpenAndDecode(bad);
        ++flips;
        if (status.ok()) FAIL_CHECK("flip at " << position << " of " << good.size() << " not detected");
        else CHECK(status.info().state == SqlState::kDataCorrupted);
      }
    }
  }
  MESSAGE(flips << " flipped bytes checked");
}

TEST_CASE("truncated and extended chunks are rejected") {
  for (const std::string& good : SampleChunks()) {
    for (size_t size : {size_t{0}, size_t{3}, size_t{27}, good.size() / 2, good.size() - 1}) {
      CHECK(OpenAndDecode(good.substr(0, size)).info().state == SqlState::kDataCorrupted);
    }
    std::string longer = good + "x";
    RewriteCrc(&longer);
    CHECK_FALSE(OpenAndDecode(longer).ok());
  }
}

TEST_CASE("malformed chunks with a valid checksum are rejected or decode safely") {
  std::mt19937_64 random(5);
  size_t rejected = 0;
  size_t attempts = 0;
  for (const std::string& good : SampleChunks()) {
    for (int round = 0; round < 300; ++round) {
      std::string bad = good;
      const int changes = 1 + static_cast<int>(random() % 3);
      for (int change = 0; change < changes; ++change) {
        bad[random() % (bad.size() - 4)] = static_cast<char>(random());
      }
      RewriteCrc(&bad);
      ++attempts;
      Status status = OpenAndDecode(bad);  // must not crash, hang or allocate absurdly
      if (!status.ok()) {
        ++rejected;
        CHECK(status.info().state == SqlState::kDataCorrupted);
      }
    }
  }
  MESSAGE(rejected << " of " << attempts << " malformed chunks rejected, the rest decoded safely");
}

TEST_CASE("header fields claiming absurd sizes are rejected before anything is allocated") {
  std::string chunk = SampleChunks()[0];
  const uint32_t huge = 0xfffffff0u;
  for (size_t field_offset : {4, 8, 12, 16, 20}) {  // num_rows, null_count, min, max, body sizes
    std::string bad = chunk;
    std::memcpy(bad.data() + field_offset, &huge, 4);
    RewriteCrc(&bad);
    CHECK(OpenAndDecode(bad).info().state == SqlState::kDataCorrupted);
  }
}

TEST_CASE("a corruption status becomes SqlError XX001 at the engine boundary, with room for the file name") {
  std::string bad = SampleChunks()[0];
  bad[10] ^= 1;
  ColumnChunk chunk;
  Status status = ColumnChunk::Open(bad, &chunk);
  REQUIRE_FALSE(status.ok());
  try {
    status.ThrowIfError();
    FAIL("no error thrown");
  } catch (const SqlError& error) {
    CHECK(error.state() == SqlState::kDataCorrupted);
    CHECK(std::string(SqlStateCode(error.state())) == "XX001");
    SqlError with_file = SqlError(error.info()).WithDetail("segment file \"p3/s17.seg\", offset 4096");
    CHECK(with_file.info().detail.find("s17.seg") != std::string::npos);
  }
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::storage
