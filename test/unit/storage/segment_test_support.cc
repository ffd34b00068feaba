// SPDX-License-Identifier: Apache-2.0
#include "segment_test_support.h"

#include <doctest/doctest.h>

#include "chunk_test_data.h"

namespace tessera::storage::testing {

Columns MakeColumns(size_t rows, std::mt19937_64& random) {
  constexpr Shape kShapes[] = {Shape::kRandom, Shape::kSorted, Shape::kFewDistinct, Shape::kConstant};
  constexpr NullPattern kNulls[] = {NullPattern::kSome, NullPattern::kNone, NullPattern::kLeading, NullPattern::kAll};
  Columns columns;
  size_t index = 0;
  for (const LogicalType& type : ChunkTestTypes()) {
    columns.types.push_back(type);
    columns.vectors.push_back(MakeVector(type, kShapes[index % 4], kNulls[index / 4 % 4], rows, random));
    ++index;
  }
  return columns;
}

Status ReadAndCompare(const SegmentReader& reader, const Columns& expected) {
  REQUIRE(reader.column_types() == expected.types);
  REQUIRE(reader.num_rows() == (expected.vectors.empty() ? 0 : expected.vectors[0].size()));
  for (size_t group = 0; group < reader.row_groups().size(); ++group) {
    const SegmentRowGroup& row_group = reader.row_groups()[group];
    for (size_t column = 0; column < expected.types.size(); ++column) {
      Vector out;
      Status status = reader.ReadColumn(group, column, 0, row_group.num_rows, &out);
      if (!status.ok()) return status;
      REQUIRE(out.size() == row_group.num_rows);
      REQUIRE(out.type() == expected.types[column]);
      for (idx_t row = 0; row < out.size(); ++row) {
        if (!SameRow(out, row, expected.vectors[column], row_group.first_row + row)) {
          FAIL_CHECK("row group " << group << ", column " << column << ", row " << row << " differs");
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace tessera::storage::testing
