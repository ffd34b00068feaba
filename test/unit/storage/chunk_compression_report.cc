// SPDX-License-Identifier: Apache-2.0
// Reports how small column chunks make the benchmark's trades table (/work/shared/bench/gen.c):
// reads `gen trades N` CSV (symbol,price,qty,ts), encodes each column in chunks of up to 1M rows (one
// segment's worth) and prints bytes per row per column and in total. Then writes the same rows as
// segment files of rows_per_chunk rows, once per row group size (64Ki, 128Ki, and one row group per
// segment), and prints the files' bytes per row (file sizes / rows). A measuring tool, not a test.
//
//   chunk_compression_report trades.csv [rows_per_chunk] [segment_directory]
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/column_chunk.h"
#include "storage/segment_writer.h"

namespace tessera::storage {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

// Days from 2000-01-01 to 2024-01-01 (PostgreSQL's timestamp epoch is 2000-01-01).
constexpr int64_t kDays2000To2024 = 8766;

// Parses "2024-01-DD HH:MM:SS" (the generator's only form) into microseconds since 2000-01-01.
int64_t ParseTradeTime(const std::string& text) {
  const int day = std::stoi(text.substr(8, 2));
  const int hour = std::stoi(text.substr(11, 2));
  const int minute = std::stoi(text.substr(14, 2));
  const int second = std::stoi(text.substr(17, 2));
  const int64_t days = kDays2000To2024 + day - 1;
  return ((days * 24 + hour) * 60 + minute) * 60 * kMicrosPerSecond + int64_t{second} * kMicrosPerSecond;
}

struct ColumnReport {
  size_t bytes = 0;
  std::map<std::string, int> encodings;
};

// Segment files of one row group size.
struct SegmentReport {
  uint32_t row_group_size = 0;
  size_t bytes = 0;
  size_t files = 0;
};

void AddSegment(const std::vector<LogicalType>& types, const std::vector<Vector>& columns,
                const std::string& directory, SegmentReport* report) {
  const std::string path = directory + "/report-segment";
  Status status = WriteSegment(path, types, columns, {report->row_group_size}, nullptr);
  status.ThrowIfError();
  struct stat info;
  if (stat(path.c_str(), &info) != 0) throw std::runtime_error("cannot stat " + path);
  report->bytes += static_cast<size_t>(info.st_size);
  report->files += 1;
  unlink(path.c_str());
}

void AddChunk(const Vector& column, ColumnReport* report) {
  const std::string chunk = EncodeColumnChunk(column);
  ColumnChunk opened;
  Status status = ColumnChunk::Open(chunk, &opened);
  status.ThrowIfError();
  report->bytes += chunk.size();
  report->encodings[std::string(ChunkEncodingName(opened.encoding()))]++;
}

int Run(const char* path, size_t rows_per_chunk, const std::string& segment_directory) {
  std::ifstream input(path);
  if (!input) {
    std::cerr << "cannot open " << path << "\n";
    return 1;
  }
  const char* names[] = {"symbol integer", "price double precision", "qty integer", "ts timestamp"};
  const LogicalType types[] = {TypeId::kInt32, TypeId::kFloat64, TypeId::kInt32, TypeId::kTimestamp};
  ColumnReport reports[4];
  SegmentReport segments[] = {{64 * 1024}, {128 * 1024}, {256 * 1024}, {512 * 1024}, {static_cast<uint32_t>(rows_per_chunk)}};
  size_t total_rows = 0;
  std::string line;
  bool done = false;
  while (!done) {
    Vector columns[4] = {Vector(types[0], rows_per_chunk), Vector(types[1], rows_per_chunk),
                         Vector(types[2], rows_per_chunk), Vector(types[3], rows_per_chunk)};
    size_t rows = 0;
    while (rows < rows_per_chunk && std::getline(input, line)) {
      const size_t comma1 = line.find(',');
      const size_t comma2 = line.find(',', comma1 + 1);
      const size_t comma3 = line.find(',', comma2 + 1);
      columns[0].Data<int32_t>()[rows] = std::stoi(line.substr(0, comma1));
      columns[1].Data<double>()[rows] = std::strtod(line.c_str() + comma1 + 1, nullptr);
      columns[2].Data<int32_t>()[rows] = std::stoi(line.substr(comma2 + 1, comma3 - comma2 - 1));
      columns[3].Data<int64_t>()[rows] = ParseTradeTime(line.substr(comma3 + 1));
      ++rows;
    }
    done = rows < rows_per_chunk;
    if (rows == 0) break;
    for (int column = 0; column < 4; ++column) {
      columns[column].Resize(rows);
      AddChunk(columns[column], &reports[column]);
    }
    const std::vector<LogicalType> segment_types(types, types + 4);
    const std::vector<Vector> segment_columns(columns, columns + 4);
    for (SegmentReport& segment : segments) AddSegment(segment_types, segment_columns, segment_directory, &segment);
    total_rows += rows;
  }
  if (total_rows == 0) return 1;
  size_t total_bytes = 0;
  std::printf("%zu rows in chunks of up to %zu rows\n", total_rows, rows_per_chunk);
  for (int column = 0; column < 4; ++column) {
    std::string encodings;
    for (const auto& [name, count] : reports[column].encodings) encodings += name + " x" + std::to_string(count) + " ";
    std::printf("  %-24s %12zu bytes  %6.3f bytes/row  %s\n", names[column], reports[column].bytes,
                static_cast<double>(reports[column].bytes) / total_rows, encodings.c_str());
    total_bytes += reports[column].bytes;
  }
  std::printf("  %-24s %12zu bytes  %6.3f bytes/row\n", "total", total_bytes, static_cast<double>(total_bytes) / total_rows);
  std::printf("as segment files of up to %zu rows\n", rows_per_chunk);
  for (const SegmentReport& segment : segments) {
    std::printf("  row groups of %8u rows %12zu bytes  %6.3f bytes/row  %zu files\n", segment.row_group_size,
                segment.bytes, static_cast<double>(segment.bytes) / total_rows, segment.files);
  }
  return 0;
}

}  // namespace
}  // namespace tessera::storage

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s trades.csv [rows_per_chunk] [segment_directory]\n", argv[0]);
    return 2;
  }
  const size_t rows_per_chunk = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const std::string segment_directory = argc > 3 ? argv[3] : "/tmp";
  return tessera::storage::Run(argv[1], rows_per_chunk, segment_directory);
}
