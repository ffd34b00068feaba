// SPDX-License-Identifier: Apache-2.0
// Reports how small column chunks make the benchmark's trades table (/work/shared/bench/gen.c):
// reads `gen trades N` CSV (symbol,price,qty,ts), encodes each column in chunks of up to 1M rows (one
// segment's worth) and prints bytes per row per column and in total. A measuring tool, not a test.
//
//   chunk_compression_report trades.csv [rows_per_chunk]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "storage/column_chunk.h"

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

void AddChunk(const Vector& column, ColumnReport* report) {
  const std::string chunk = EncodeColumnChunk(column);
  ColumnChunk opened;
  Status status = ColumnChunk::Open(chunk, &opened);
  status.ThrowIfError();
  report->bytes += chunk.size();
  report->encodings[std::string(ChunkEncodingName(opened.encoding()))]++;
}

int Run(const char* path, size_t rows_per_chunk) {
  std::ifstream input(path);
  if (!input) {
    std::cerr << "cannot open " << path << "\n";
    return 1;
  }
  const char* names[] = {"symbol integer", "price double precision", "qty integer", "ts timestamp"};
  const LogicalType types[] = {TypeId::kInt32, TypeId::kFloat64, TypeId::kInt32, TypeId::kTimestamp};
  ColumnReport reports[4];
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
  return 0;
}

}  // namespace
}  // namespace tessera::storage

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s trades.csv [rows_per_chunk]\n", argv[0]);
    return 2;
  }
  const size_t rows_per_chunk = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  return tessera::storage::Run(argv[1], rows_per_chunk);
}
