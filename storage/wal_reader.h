// SPDX-License-Identifier: Apache-2.0
// WalReader: reads the records of a WAL directory in LSN order (format: storage/FORMAT.md, "## WAL files").
//
// Where the log ends and what is corruption:
//  - The log ends at the end of the last file, or at a torn tail in the last file: a file header or a
//    record cut short by the end of the file, or a defective record (bad header CRC, bad trailer CRC)
//    after which the file holds no intact record that starts a later write. Only the last write(2) of a
//    file can be incomplete after a crash (the writer syncs a write before the next one starts and
//    acknowledges nothing before that sync), so such a tail was never acknowledged. This covers files
//    cut short, zero-filled tails (size extended, data never written) and pages of the last write that
//    reached the disk out of order.
//  - Everything else is corruption, reported as XX001 data_corrupted with the file and offset in the
//    detail: any defect in a file that is not the last, a defect followed by a later intact write, a
//    record with a valid header CRC but an impossible length, an LSN out of sequence (each record's LSN
//    is the previous one plus 1, across files; a file's first LSN matches its name and header).
//  - Guarantee: an acknowledged record is read back intact, or its loss is reported as XX001, unless the
//    damage hits the last write of the log; that write may have been acknowledged, but a damaged last
//    write looks exactly like a torn one and is treated as the end of the log.
//
// Not thread-safe; the log may be appended to while a reader is open (it sees a prefix).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/wal_files.h"

namespace tessera::storage {

struct WalRecord {
  uint64_t lsn = 0;
  uint16_t type = 0;
  std::string payload;
};

// The position just past the last intact record, where the writer continues.
struct WalEnd {
  std::string path;          // the last file; empty when the directory has no WAL file
  uint64_t offset = 0;       // 0 when the last file's header is torn
  uint64_t next_lsn = 0;     // the LSN the next record gets
  bool header_intact = false;
};

class WalReader {
 public:
  // Opens the log in `directory` to read the records with LSN >= from_lsn; from_lsn 0 reads from the
  // oldest record kept. Returns 58P01 when records at from_lsn were removed.
  static Status Open(const std::string& directory, uint64_t from_lsn, std::unique_ptr<WalReader>* reader);
  ~WalReader();
  WalReader(const WalReader&) = delete;
  WalReader& operator=(const WalReader&) = delete;

  // Reads the next record into *record and sets *found; sets *found = false at the end of the log.
  // Returns XX001 for corruption, 58030 for I/O errors; an error is returned again by every later call.
  Status Next(WalRecord* record, bool* found);

  // Valid once Next has reported the end of the log.
  const WalEnd& end() const { return end_; }

 private:
  WalReader(std::vector<WalFileInfo> files, size_t file_index, uint64_t from_lsn);

  Status ReadNext(WalRecord* record, bool* found);
  // Opens files_[file_index_] and checks its header; a torn header in the last file finishes the log.
  Status OpenFile();
  Status ReadRecord(WalRecord* record, bool* found);
  // Decides whether a defect at offset_ of the last file is a torn tail (sets *found = false) or
  // corruption (returns XX001 with `reason`).
  Status TornTailOrCorrupt(const std::string& reason, bool* found);
  // Looks for a record at or after `offset` that starts a write, has a later LSN and is intact.
  Status FindIntactWriteStart(uint64_t offset, bool* found, uint64_t* found_at);
  Status Corrupt(const std::string& reason, uint64_t offset) const;
  bool in_last_file() const { return file_index_ + 1 == files_.size(); }
  void FinishAt(uint64_t offset, bool header_intact);

  std::vector<WalFileInfo> files_;
  size_t file_index_;
  uint64_t from_lsn_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  uint64_t offset_ = 0;
  uint64_t expected_lsn_ = 0;  // 0 until the first file header is read
  bool finished_ = false;
  Status error_;
  WalEnd end_;
};

}  // namespace tessera::storage
