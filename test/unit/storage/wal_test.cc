// SPDX-License-Identifier: Apache-2.0
// WalWriter and WalReader on healthy files: round trips, reopening, group commit, removal, I/O errors.
#include <doctest/doctest.h>

#include <cerrno>
#include <set>
#include <thread>

#include "storage/wal_format.h"
#include "storage/wal_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

// Payload sizes from empty to past the file size limit (1 MiB in these tests), so records span files.
size_t RandomPayloadSize(std::mt19937_64& random) {
  switch (random() % 8) {
    case 0: return 0;
    case 1: return (1u << 20) + random() % (1u << 19);
    case 2: return random() % 70000;
    default: return random() % 300;
  }
}

std::unique_ptr<WalWriter> OpenWriter(const std::string& directory, uint64_t file_size_limit = 1u << 20) {
  WalOptions options;
  options.file_size_limit = file_size_limit;
  std::unique_ptr<WalWriter> writer;
  Status status = WalWriter::Open(directory, options, &writer);
  REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.info().message));
  return writer;
}

void CheckRecords(const std::vector<WalRecord>& records, uint64_t first_lsn, const std::vector<size_t>& sizes) {
  REQUIRE(records.size() == sizes.size());
  for (size_t index = 0; index < records.size(); ++index) {
    uint64_t lsn = first_lsn + index;
    CHECK(records[index].lsn == lsn);
    CHECK(records[index].type == lsn % 7);
    CHECK(records[index].payload == PayloadFor(lsn, sizes[index]));
  }
}

TEST_SUITE("wal") {

TEST_CASE("records of 0 bytes to more than 1 MB read back as written, across files") {
  TempDirectory temp;
  std::mt19937_64 random(7);
  std::vector<size_t> sizes;
  {
    auto writer = OpenWriter(temp.wal());
    for (uint64_t lsn = 1; lsn <= 120; ++lsn) {
      sizes.push_back(RandomPayloadSize(random));
      uint64_t appended = 0;
      REQUIRE(writer->Append(static_cast<uint16_t>(lsn % 7), PayloadFor(lsn, sizes.back()), &appended).ok());
      CHECK(appended == lsn);
      if (random() % 4 == 0) CHECK(writer->WaitDurable(lsn).ok());
    }
    CHECK(writer->WaitDurable(120).ok());
    CHECK(writer->durable_lsn() == 120);
    CHECK(writer->file_count() > 5);
  }
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckRecords(records, 1, sizes);
  REQUIRE(ReadLog(temp.wal(), 77, &records).ok());
  CheckRecords(records, 77, std::vector<size_t>(sizes.begin() + 76, sizes.end()));
}

TEST_CASE("records appended as parts read back as their concatenation, large ones in chunks of their own") {
  TempDirectory temp;
  std::mt19937_64 random(11);
  std::vector<size_t> sizes;
  {
    // Files of 64 MiB: records past WalWriter::kChunkBytes start chunks inside one file.
    auto writer = OpenWriter(temp.wal(), 64u << 20);
    for (uint64_t lsn = 1; lsn <= 40; ++lsn) {
      sizes.push_back(lsn % 5 == 0 ? WalWriter::kChunkBytes + random() % 5000 : RandomPayloadSize(random));
      const std::string payload = PayloadFor(lsn, sizes.back());
      std::vector<std::string_view> parts;
      for (size_t start = 0; start < payload.size() || parts.empty();) {
        const size_t length = std::min<size_t>(payload.size() - start, random() % 100000);
        parts.push_back(std::string_view(payload).substr(start, length));
        start += length;
      }
      uint64_t appended = 0;
      REQUIRE(writer->AppendParts(static_cast<uint16_t>(lsn % 7), parts, &appended).ok());
      CHECK(appended == lsn);
      if (random() % 4 == 0) CHECK(writer->WaitDurable(lsn).ok());
    }
    CHECK(writer->WaitDurable(40).ok());
  }
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckRecords(records, 1, sizes);
}

TEST_CASE("an empty or new log has no records and starts at LSN 1") {
  TempDirectory temp;
  std::vector<WalRecord> records;
  CHECK(ReadLog(temp.path(), 0, &records).ok());
  CHECK(records.empty());
  auto writer = OpenWriter(temp.wal());
  CHECK(writer->last_lsn() == 0);
  uint64_t lsn = 0;
  CHECK(writer->Commit(0, "", &lsn).ok());
  CHECK(lsn == 1);
}

TEST_CASE("a reopened log continues after its last record") {
  TempDirectory temp;
  std::vector<size_t> sizes;
  for (int round = 0; round < 3; ++round) {
    auto writer = OpenWriter(temp.wal(), 4096);
    CHECK(writer->last_lsn() == sizes.size());
    for (int count = 0; count < 40; ++count) {
      uint64_t lsn = sizes.size() + 1;
      sizes.push_back(lsn % 500);
      uint64_t appended = 0;
      REQUIRE(writer->Commit(static_cast<uint16_t>(lsn % 7), PayloadFor(lsn, sizes.back()), &appended).ok());
      CHECK(appended == lsn);
    }
  }
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CheckRecords(records, 1, sizes);
}

TEST_CASE("records not waited for are written when the writer closes") {
  TempDirectory temp;
  {
    auto writer = OpenWriter(temp.wal());
    uint64_t lsn = 0;
    for (uint64_t count = 0; count < 10; ++count) REQUIRE(writer->Append(1, PayloadFor(count + 1, 10), &lsn).ok());
  }
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CHECK(records.size() == 10);
}

TEST_CASE("concurrent committers each get their records back exactly once, in LSN order") {
  TempDirectory temp;
  constexpr int kThreads = 8, kCommitsPerThread = 150;
  std::vector<std::vector<uint64_t>> lsns(kThreads);
  uint64_t syncs = 0;
  {
    auto writer = OpenWriter(temp.wal(), 64 * 1024);
    std::vector<std::thread> threads;
    for (int thread = 0; thread < kThreads; ++thread) {
      threads.emplace_back([&, thread] {
        for (int count = 0; count < kCommitsPerThread; ++count) {
          std::string payload = std::to_string(thread) + ":" + std::to_string(count) + PayloadFor(count, thread * 10);
          uint64_t lsn = 0;
          Status status = writer->Commit(static_cast<uint16_t>(thread), payload, &lsn);
          if (!status.ok()) return;
          // The record is durable: no later reader may miss it.
          if (writer->durable_lsn() < lsn) return;
          lsns[thread].push_back(lsn);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    syncs = writer->sync_count();
  }
  std::set<uint64_t> acknowledged;
  for (int thread = 0; thread < kThreads; ++thread) {
    CHECK(lsns[thread].size() == kCommitsPerThread);
    acknowledged.insert(lsns[thread].begin(), lsns[thread].end());
  }
  CHECK(acknowledged.size() == kThreads * kCommitsPerThread);
  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  REQUIRE(records.size() == kThreads * kCommitsPerThread);
  std::vector<int> next_count(kThreads, 0);
  for (size_t index = 0; index < records.size(); ++index) {
    const WalRecord& record = records[index];
    CHECK(record.lsn == index + 1);
    int thread = record.type;
    REQUIRE(thread < kThreads);
    int count = next_count[thread]++;
    CHECK(record.payload == std::to_string(thread) + ":" + std::to_string(count) + PayloadFor(count, thread * 10));
    CHECK(lsns[thread][count] == record.lsn);
  }
  MESSAGE("commits: ", kThreads * kCommitsPerThread, ", fdatasync calls: ", syncs);
}

TEST_CASE("RemoveBefore deletes whole files below the LSN and never the file being written") {
  TempDirectory temp;
  auto writer = OpenWriter(temp.wal(), 1024);
  for (uint64_t lsn = 1; lsn <= 200; ++lsn) {
    uint64_t appended = 0;
    REQUIRE(writer->Commit(static_cast<uint16_t>(lsn % 7), PayloadFor(lsn, 100), &appended).ok());
  }
  size_t files_before = writer->file_count();
  REQUIRE(files_before > 10);
  REQUIRE(writer->RemoveBefore(100).ok());
  CHECK(writer->file_count() < files_before);
  std::vector<WalFileInfo> files;
  REQUIRE(ListWalFiles(temp.wal(), &files).ok());
  CHECK(files.size() == writer->file_count());
  CHECK(files.front().first_lsn <= 100);
  CHECK(files[1].first_lsn > 100);

  std::vector<WalRecord> records;
  REQUIRE(ReadLog(temp.wal(), 100, &records).ok());
  CheckRecords(records, 100, std::vector<size_t>(101, 100));
  REQUIRE(ReadLog(temp.wal(), 0, &records).ok());
  CHECK(records.front().lsn == files.front().first_lsn);
  Status removed = ReadLog(temp.wal(), 1, &records);
  CHECK(!removed.ok());
  if (!removed.ok()) CHECK(removed.state() == SqlState::kUndefinedFile);

  REQUIRE(writer->RemoveBefore(1000).ok());
  CHECK(writer->file_count() == 1);
  writer.reset();
  writer = OpenWriter(temp.wal(), 1024);
  CHECK(writer->last_lsn() == 200);
  uint64_t lsn = 0;
  CHECK(writer->Commit(1, "after removal", &lsn).ok());
  CHECK(lsn == 201);
}

int FailingSync(int) {
  errno = EIO;
  return -1;
}

ssize_t DiskFullWrite(int, const void*, size_t, off_t) {
  errno = ENOSPC;
  return -1;
}

TEST_CASE("a failed fdatasync is reported as 58030 and the writer refuses further writes") {
  TempDirectory temp;
  auto writer = OpenWriter(temp.wal());
  uint64_t lsn = 0;
  REQUIRE(writer->Commit(1, "durable", &lsn).ok());
  writer.reset();

  WalOptions options;
  options.syscalls.sync_data = FailingSync;
  REQUIRE(WalWriter::Open(temp.wal(), options, &writer).ok());
  Status status = writer->Commit(1, "not durable", &lsn);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kIoError);
  CHECK(status.info().message.find("fdatasync") != std::string::npos);
  status = writer->Append(1, "refused", &lsn);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kIoError);
  CHECK(writer->durable_lsn() == 1);
}

TEST_CASE("a write that finds the disk full is reported as 53100") {
  TempDirectory temp;
  WalOptions options;
  options.syscalls.write_at = DiskFullWrite;
  std::unique_ptr<WalWriter> writer;
  Status status = WalWriter::Open(temp.wal(), options, &writer);
  REQUIRE(!status.ok());  // the new file's header cannot be written
  CHECK(status.state() == SqlState::kDiskFull);
}

TEST_CASE("a record larger than the maximum payload is refused with 54000") {
  TempDirectory temp;
  auto writer = OpenWriter(temp.wal());
  char byte = 0;
  uint64_t lsn = 0;
  // The payload is refused on its size before any byte of it is read.
  Status status = writer->Append(1, std::string_view(&byte, size_t{kWalMaxPayloadSize} + 1), &lsn);
  REQUIRE(!status.ok());
  CHECK(status.state() == SqlState::kProgramLimitExceeded);
  CHECK(writer->Commit(1, "next", &lsn).ok());
  CHECK(lsn == 1);
}

}  // TEST_SUITE
}  // namespace
}  // namespace tessera::storage
