// SPDX-License-Identifier: Apache-2.0
// WalReader and WalWriter on damaged files: torn tails end the log and are truncated; corruption
// anywhere else is XX001 naming the file and offset, never a crash or a wrong payload.
#include <doctest/doctest.h>

#include <filesystem>

#include "storage/wal_format.h"
#include "storage/wal_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

constexpr size_t kPayloadSize = 30;
constexpr size_t kRecordSize = kWalRecordOverhead + kPayloadSize;

// Commits records first_lsn.. (one write each) of kPayloadSize bytes; returns the files' paths.
std::vector<std::string> WriteRecords(const std::string& directory, int count, uint64_t file_size_limit = 1 << 20) {
  WalOptions options;
  options.file_size_limit = file_size_limit;
  std::unique_ptr<WalWriter> writer;
  REQUIRE(WalWriter::Open(directory, options, &writer).ok());
  for (int index = 0; index < count; ++index) {
    uint64_t lsn = writer->last_lsn() + 1;
    REQUIRE(writer->Commit(1, PayloadFor(lsn, kPayloadSize), &lsn).ok());
  }
  std::vector<WalFileInfo> files;
  REQUIRE(ListWalFiles(directory, &files).ok());
  std::vector<std::string> paths;
  for (const WalFileInfo& file : files) paths.push_back(file.path);
  return paths;
}

// Checks that the log reads back as records 1..count with the payloads WriteRecords gave them.
void CheckIntactPrefix(const std::vector<WalRecord>& records, size_t count) {
  REQUIRE(records.size() == count);
  for (size_t index = 0; index < count; ++index) {
    CHECK(records[index].lsn == index + 1);
    CHECK(records[index].payload == PayloadFor(index + 1, kPayloadSize));
  }
}

// Checks that a writer opened on the log continues at LSN `next_lsn` and that the log then reads back
// with the new record right after the intact ones.
void CheckWriterResumes(const std::string& directory, uint64_t next_lsn) {
  {
    std::unique_ptr<WalWriter> writer;
    Status status = WalWriter::Open(directory, WalOptions{}, &writer);
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.info().message + " " + status.info().detail));
    CHECK(writer->last_lsn() == next_lsn - 1);
    uint64_t lsn = 0;
    REQUIRE(writer->Commit(2, "resumed", &lsn).ok());
    CHECK(lsn == next_lsn);
  }
  std::vector<WalRecord> records;
  Status status = ReadLog(directory, 0, &records);
  REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.info().message + " " + status.info().detail));
  CheckIntactPrefix(std::vector<WalRecord>(records.begin(), records.end() - 1), next_lsn - 1);
  CHECK(records.back().payload == "resumed");
}

void CheckCorrupt(const Status& status, const std::string& path, uint64_t offset) {
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kDataCorrupted);
  CHECK(status.info().detail == "file \"" + path + "\", offset " + std::to_string(offset));
}

std::string SealedRecord(uint64_t lsn, std::string_view payload) {
  std::string record(kWalRecordOverhead + payload.size(), '\0');
  EncodeWalRecordHeader({static_cast<uint32_t>(payload.size()), 1, 0, lsn}, record.data());
  record.replace(kWalRecordHeaderSize, payload.size(), payload);
  SealWalRecord(record.data(), true);
  return record;
}

TEST_SUITE("wal") {

TEST_CASE("a last record cut at every byte ends the log cleanly and the writer resumes there") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 5).back();
  std::string original = ReadFile(path);
  REQUIRE(original.size() == kWalFileHeaderSize + 5 * kRecordSize);
  for (size_t cut = original.size() - kRecordSize; cut < original.size(); ++cut) {
    CAPTURE(cut);
    WriteFile(path, original.substr(0, cut));
    std::vector<WalRecord> records;
    REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
    CheckIntactPrefix(records, 4);
    CheckWriterResumes(temp.wal(), 5);
  }
}

TEST_CASE("a new file whose header a crash cut short is rewritten") {
  TempDirectory temp;
  std::vector<std::string> paths = WriteRecords(temp.wal(), 5, kWalFileHeaderSize + 4 * kRecordSize);
  REQUIRE(paths.size() == 2);
  for (size_t cut = 0; cut <= kWalFileHeaderSize; ++cut) {
    CAPTURE(cut);
    std::string header(cut, '\0');
    for (size_t index = 0; index < cut; ++index) header[index] = static_cast<char>(0x5A + index);
    WriteFile(paths[1], header);
    std::vector<WalRecord> records;
    REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
    CheckIntactPrefix(records, 4);
    CheckWriterResumes(temp.wal(), 5);
  }
}

TEST_CASE("a zero-filled tail ends the log and is truncated") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 5).back();
  std::string original = ReadFile(path);
  WriteFile(path, original + std::string(8192, '\0'));
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckIntactPrefix(records, 5);
  CheckWriterResumes(temp.wal(), 6);
  CHECK(std::filesystem::file_size(path) == original.size() + kWalRecordOverhead + 7);

  // Pages of the last write that never reached the disk read as zeros, too.
  WriteFile(path, original.substr(0, original.size() - kRecordSize) + std::string(kRecordSize, '\0'));
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckIntactPrefix(records, 4);
}

TEST_CASE("every flipped byte of a record followed by a later write is XX001 at that record") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 5).back();
  std::string original = ReadFile(path);
  uint64_t start = kWalFileHeaderSize + 2 * kRecordSize;  // record 3
  for (size_t position = start; position < start + kRecordSize; ++position) {
    CAPTURE(position);
    std::string damaged = original;
    damaged[position] = static_cast<char>(damaged[position] ^ (1 << (position % 8)));
    WriteFile(path, damaged);
    std::vector<WalRecord> records;
    CheckCorrupt(ReadLog(temp.wal(), 0, &records), path, start);
    CheckIntactPrefix(records, 2);
  }
  std::unique_ptr<WalWriter> writer;
  CheckCorrupt(WalWriter::Open(temp.wal(), WalOptions{}, &writer), path, start);
}

TEST_CASE("every flipped byte in a file that is not the last is XX001") {
  TempDirectory temp;
  std::vector<std::string> paths = WriteRecords(temp.wal(), 8, kWalFileHeaderSize + 4 * kRecordSize);
  REQUIRE(paths.size() == 2);
  std::string original = ReadFile(paths[0]);
  for (size_t position = 0; position < original.size(); ++position) {
    CAPTURE(position);
    std::string damaged = original;
    damaged[position] = static_cast<char>(damaged[position] ^ 0x80);
    WriteFile(paths[0], damaged);
    std::vector<WalRecord> records;
    uint64_t record_start =
        position < kWalFileHeaderSize ? 0 : position - (position - kWalFileHeaderSize) % kRecordSize;
    CheckCorrupt(ReadLog(temp.wal(), 0, &records), paths[0], record_start);
    CheckIntactPrefix(records, record_start == 0 ? 0 : (record_start - kWalFileHeaderSize) / kRecordSize);
  }
  WriteFile(paths[0], original.substr(0, original.size() - 1));
  std::vector<WalRecord> records;
  CheckCorrupt(ReadLog(temp.wal(), 0, &records), paths[0], original.size() - kRecordSize);
}

TEST_CASE("a damaged last write is a torn tail: records before it are kept, it is truncated") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 2).back();
  {
    std::unique_ptr<WalWriter> writer;
    REQUIRE(WalWriter::Open(temp.wal(), WalOptions{}, &writer).ok());
    uint64_t lsn = 0;
    for (uint64_t next = 3; next <= 5; ++next) REQUIRE(writer->Append(1, PayloadFor(next, kPayloadSize), &lsn).ok());
    REQUIRE(writer->WaitDurable(5).ok());  // records 3 to 5 in one write
  }
  std::string original = ReadFile(path);
  std::string damaged = original;
  damaged[kWalFileHeaderSize + 2 * kRecordSize + kWalRecordHeaderSize + 3] ^= 0x10;  // payload of record 3
  WriteFile(path, damaged);
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckIntactPrefix(records, 2);
  CheckWriterResumes(temp.wal(), 3);
}

TEST_CASE("an intact record with an LSN out of sequence is XX001") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 3).back();
  std::string original = ReadFile(path);
  for (uint64_t wrong_lsn : {1, 3, 5, 1000}) {
    CAPTURE(wrong_lsn);
    WriteFile(path, original + SealedRecord(wrong_lsn, "stray"));
    std::vector<WalRecord> records;
    CheckCorrupt(ReadLog(temp.wal(), 0, &records), path, original.size());
    CheckIntactPrefix(records, 3);
  }
}

TEST_CASE("a record header with a valid checksum but an impossible length is XX001") {
  TempDirectory temp;
  std::string path = WriteRecords(temp.wal(), 3).back();
  std::string original = ReadFile(path);
  std::string header(kWalRecordHeaderSize, '\0');
  EncodeWalRecordHeader({kWalMaxPayloadSize + 1, 1, kWalFlagWriteStart, 4}, header.data());
  WriteFile(path, original + header + std::string(100, 'x'));
  std::vector<WalRecord> records;
  CheckCorrupt(ReadLog(temp.wal(), 0, &records), path, original.size());
}

TEST_CASE("a missing file in the middle of the log is XX001") {
  TempDirectory temp;
  std::vector<std::string> paths = WriteRecords(temp.wal(), 12, kWalFileHeaderSize + 4 * kRecordSize);
  REQUIRE(paths.size() == 3);
  std::filesystem::remove(paths[1]);
  std::vector<WalRecord> records;
  CheckCorrupt(ReadLog(temp.wal(), 0, &records), paths[2], 0);
  CheckIntactPrefix(records, 4);
}

}  // TEST_SUITE
}  // namespace
}  // namespace tessera::storage
