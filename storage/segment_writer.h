// SPDX-License-Identifier: Apache-2.0
// WriteSegment: writes the rows of a table partition, all columns, as one immutable segment file
// (format: storage/FORMAT.md, "## Segment files"; layout code: storage/segment_format.h). The rows are
// split into row groups of a fixed size and each column of a row group becomes one column chunk
// (storage/column_chunk.h), so min/max elimination works per row group.
//
// Crash atomicity: the file is written as `path + ".tmp"`, fdatasync'ed, renamed to `path`, and the
// directory fsync'ed before WriteSegment returns OK. A crash leaves either no file at `path` or a whole
// one; a leftover `.tmp` file is never read and is replaced by the next write of the same path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/types.h"
#include "base/vector.h"
#include "storage/segment_format.h"

namespace tessera::storage {

struct SegmentWriteOptions {
  uint32_t row_group_size = kDefaultRowGroupSize;  // 1 to kMaxChunkRows
};

// Writes `columns` (one Vector per entry of `types`, each of that type's physical type, all of equal
// length) to a new segment file at `path`, replacing any file there. On success fills `footer` (if not
// null) with what a reader of the file will see. I/O failures are 58030 (53100 when the disk is full);
// the temporary file is then removed.
Status WriteSegment(const std::string& path, const std::vector<LogicalType>& types,
                    const std::vector<Vector>& columns, const SegmentWriteOptions& options,
                    SegmentFooter* footer);

}  // namespace tessera::storage
