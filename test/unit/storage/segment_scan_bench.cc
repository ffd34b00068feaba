// SPDX-License-Identifier: Apache-2.0
// Measures SegmentScan on the benchmark's trades table (/work/shared/bench/gen.c): reads `gen trades N`
// CSV (symbol,price,qty,ts), adds the symbol as text ("S<symbol>", a dictionary-encoded column), writes
// one segment file of row groups of 128Ki rows, and prints rows/s (segment rows over the best of several
// runs) of selective filters evaluated on encoded chunks next to decode-then-compare of the same
// filter, which reads and decodes the filtered column whole and compares decoded values. A measuring
// tool, not a test.
//
//   segment_scan_bench trades.csv [segment_directory]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "storage/segment_scan.h"
#include "storage/segment_writer.h"

namespace tessera::storage {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kDays2000To2024 = 8766;  // PostgreSQL's timestamp epoch is 2000-01-01
constexpr int kRuns = 5;

enum Column { kSymbol, kSymbolText, kPrice, kQty, kTs, kNumColumns };

// Parses "2024-01-DD HH:MM:SS" (the generator's only form) into microseconds since 2000-01-01.
int64_t ParseTradeTime(const std::string& text) {
  const int64_t days = kDays2000To2024 + std::stoi(text.substr(8, 2)) - 1;
  const int64_t seconds = ((days * 24 + std::stoi(text.substr(11, 2))) * 60 + std::stoi(text.substr(14, 2))) * 60 +
                          std::stoi(text.substr(17, 2));
  return seconds * kMicrosPerSecond;
}

std::vector<Vector> LoadTrades(const char* path, const std::vector<LogicalType>& types) {
  std::vector<Vector> columns;
  for (const LogicalType& type : types) columns.emplace_back(type);
  std::ifstream input(path);
  std::string line;
  while (std::getline(input, line)) {
    const size_t comma1 = line.find(',');
    const size_t comma2 = line.find(',', comma1 + 1);
    const size_t comma3 = line.find(',', comma2 + 1);
    const int32_t symbol = std::stoi(line.substr(0, comma1));
    columns[kSymbol].AppendValue(Value::Int32(symbol));
    columns[kSymbolText].AppendValue(Value::Text("S" + std::to_string(symbol)));
    columns[kPrice].AppendValue(Value::Float64(std::strtod(line.c_str() + comma1 + 1, nullptr)));
    columns[kQty].AppendValue(Value::Int32(std::stoi(line.substr(comma2 + 1, comma3 - comma2 - 1))));
    columns[kTs].AppendValue(Value::Timestamp(ParseTradeTime(line.substr(comma3 + 1))));
  }
  return columns;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs SegmentScan; returns the rows selected.
uint64_t ScanEncoded(const SegmentReader& reader, const std::vector<int>& output, const ScanFilter& filter,
                     SegmentScanStats* stats) {
  SegmentScan scan(reader, output, filter);
  Batch batch;
  uint64_t rows = 0;
  for (bool done = false;;) {
    scan.Next(&batch, nullptr, &done).ThrowIfError();
    if (done) break;
    rows += batch.num_rows;
  }
  *stats = scan.stats();
  return rows;
}

// Reads every row group, decodes the filtered column whole, compares decoded values, then decodes
// the output columns and gathers the selected rows; returns the rows selected.
uint64_t ScanDecoded(const SegmentReader& reader, const std::vector<int>& output, const ScanPredicate& predicate) {
  uint64_t rows = 0;
  std::vector<sel_t> selection;
  for (size_t group = 0; group < reader.row_groups().size(); ++group) {
    const idx_t num_rows = reader.row_groups()[group].num_rows;
    Vector values;
    reader.ReadColumn(group, predicate.column, 0, num_rows, &values).ThrowIfError();
    selection.resize(num_rows);
    for (idx_t row = 0; row < num_rows; ++row) selection[row] = static_cast<sel_t>(row);
    const idx_t selected = FilterSelection(values, predicate, selection.data(), num_rows);
    for (int column : output) {
      Vector decoded;
      reader.ReadColumn(group, column, 0, num_rows, &decoded).ThrowIfError();
      const Vector gathered = decoded.Gather(selection.data(), selected);
      rows += column == output.front() ? gathered.size() : 0;
    }
  }
  return rows;
}

void Report(const char* name, const SegmentReader& reader, const ScanPredicate& predicate) {
  const std::vector<int> output = {kPrice, kQty};
  const ScanFilter filter{{predicate}};
  double encoded_best = 1e9;
  double decoded_best = 1e9;
  uint64_t encoded_rows = 0;
  uint64_t decoded_rows = 0;
  SegmentScanStats stats;
  for (int run = 0; run < kRuns; ++run) {
    auto start = std::chrono::steady_clock::now();
    encoded_rows = ScanEncoded(reader, output, filter, &stats);
    encoded_best = std::min(encoded_best, Seconds(start));
    start = std::chrono::steady_clock::now();
    decoded_rows = ScanDecoded(reader, output, predicate);
    decoded_best = std::min(decoded_best, Seconds(start));
  }
  if (encoded_rows != decoded_rows) {
    std::fprintf(stderr, "%s: SegmentScan selected %llu rows, decode-then-compare %llu\n", name,
                 static_cast<unsigned long long>(encoded_rows), static_cast<unsigned long long>(decoded_rows));
    std::exit(1);
  }
  std::string bytes;
  ColumnChunk chunk;
  reader.ReadChunk(0, predicate.column, &bytes, &chunk).ThrowIfError();
  const double rows = static_cast<double>(reader.num_rows());
  std::printf("%-28s %-16s %9llu selected  encoded %8.1f M rows/s  decode+compare %8.1f M rows/s  x%.1f  "
              "(row groups skipped %llu/%llu)\n",
              name, std::string(ChunkEncodingName(chunk.encoding())).c_str(),
              static_cast<unsigned long long>(encoded_rows), rows / encoded_best / 1e6, rows / decoded_best / 1e6,
              decoded_best / encoded_best, static_cast<unsigned long long>(stats.row_groups_skipped),
              static_cast<unsigned long long>(stats.row_groups));
}

int Run(const char* csv, const std::string& directory) {
  const std::vector<LogicalType> types = {TypeId::kInt32, TypeId::kText, TypeId::kFloat64, TypeId::kInt32,
                                          TypeId::kTimestamp};
  const std::vector<Vector> columns = LoadTrades(csv, types);
  if (columns[0].size() == 0) {
    std::fprintf(stderr, "no rows in %s\n", csv);
    return 1;
  }
  const std::string path = directory + "/segment_scan_bench.segment";
  WriteSegment(path, types, columns, {}, nullptr).ThrowIfError();
  SegmentReader reader;
  SegmentReader::Open(path, &reader).ThrowIfError();
  std::printf("%llu rows, %zu row groups; output columns price, qty; best of %d runs\n",
              static_cast<unsigned long long>(reader.num_rows()), reader.row_groups().size(), kRuns);
  Report("symbol_text = 'S42'", reader, ScanPredicate::Compare(kSymbolText, CompareOp::kEqual, Value::Text("S42")));
  Report("symbol = 42", reader, ScanPredicate::Compare(kSymbol, CompareOp::kEqual, Value::Int32(42)));
  Report("qty = 7", reader, ScanPredicate::Compare(kQty, CompareOp::kEqual, Value::Int32(7)));
  Report("qty >= 995", reader, ScanPredicate::Compare(kQty, CompareOp::kGreaterEqual, Value::Int32(995)));
  const int64_t day15 = ParseTradeTime("2024-01-15 00:00:00");
  Report("ts < 2024-01-15 (sorted)", reader, ScanPredicate::Compare(kTs, CompareOp::kLess, Value::Timestamp(day15)));
  std::remove(path.c_str());
  return 0;
}

}  // namespace
}  // namespace tessera::storage

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s trades.csv [segment_directory]\n", argv[0]);
    return 2;
  }
  return tessera::storage::Run(argv[1], argc > 2 ? argv[2] : "/tmp");
}
