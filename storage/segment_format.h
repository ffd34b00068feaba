// SPDX-License-Identifier: Apache-2.0
// The on-disk layout of segment files (format version 1, storage/FORMAT.md, "## Segment files"): a
// header, the column chunks of each row group, a footer that locates and describes every chunk, and a
// fixed-size trailer that locates the footer. Encoding and validation of header, footer and trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/types.h"
#include "storage/encoding/chunk_values.h"

namespace tessera::storage {

inline constexpr uint32_t kSegmentMagic = 0x47455354;  // "TSEG" little-endian
inline constexpr uint32_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 16;   // magic, version, flags, CRC
inline constexpr size_t kSegmentTrailerSize = 32;  // footer offset and size, footer CRC, version, CRC, magic
// Rows per row group unless the writer is told otherwise; see FORMAT.md for the measurement.
inline constexpr uint32_t kDefaultRowGroupSize = 128 * 1024;
// As PostgreSQL's MaxHeapAttributeNumber.
inline constexpr uint32_t kMaxSegmentColumns = 1600;

// Where one column chunk lies in the file, and its statistics (the same as in the chunk's header).
struct SegmentChunkInfo {
  uint64_t offset = 0;
  uint32_t size = 0;
  ChunkStats stats;
};

struct SegmentRowGroup {
  uint64_t first_row = 0;  // derived: the rows of the row groups before this one
  uint32_t num_rows = 0;
  std::vector<SegmentChunkInfo> chunks;  // one per column
};

// Everything a reader keeps of a segment file.
struct SegmentFooter {
  std::vector<LogicalType> column_types;
  uint64_t num_rows = 0;
  uint32_t row_group_size = 0;  // rows of every row group but the last
  std::vector<SegmentRowGroup> row_groups;
};

struct SegmentTrailer {
  uint64_t footer_offset = 0;
  uint64_t footer_size = 0;
  uint32_t footer_crc = 0;
};

// Writes the file header into out[0, kSegmentHeaderSize).
void EncodeSegmentHeader(char* out);
// Checks magic and CRC (XX001), then the version (0A000 for one this build cannot read). The caller
// names the file.
Status DecodeSegmentHeader(const char* in);

void EncodeSegmentTrailer(const SegmentTrailer& trailer, char* out);
// Checks magic, CRC and version as DecodeSegmentHeader does; does not check the offsets.
Status DecodeSegmentTrailer(const char* in, SegmentTrailer* trailer);

std::string EncodeSegmentFooter(const SegmentFooter& footer);
// Parses and validates the footer of a file whose chunks may occupy [kSegmentHeaderSize, footer_offset):
// counts, types, statistics and that the chunks are laid out back to back in row group order, filling
// that range exactly. Returns a description of the first problem, or nullopt.
std::optional<std::string> DecodeSegmentFooter(std::string_view bytes, uint64_t footer_offset,
                                               SegmentFooter* footer);

}  // namespace tessera::storage
