// SPDX-License-Identifier: Apache-2.0
// POSIX file helpers shared by the WAL, segment files and the checkpoint: full reads, durable file
// replacement (write a temporary file, sync, rename), directory sync, file size, and the Status of a
// failed system call (58030 io_error, 53100 disk_full for ENOSPC/EDQUOT, 58P01 for a missing
// file on open).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tessera::storage {

// Returns the status for a system call that failed with `error_number`, e.g. IoErrorStatus("fsync",
// path, EIO): 'could not fsync "path": Input/output error'.
Status IoErrorStatus(const std::string& operation, const std::string& path, int error_number);

// Reads exactly `size` bytes at `offset` with pread (retrying on EINTR). Returns 0, -1 when the file ends
// first (`*read_bytes`, when given, says how many bytes were there), or the errno of a failed read.
int ReadAt(int fd, uint64_t offset, size_t size, char* out, size_t* read_bytes = nullptr);

// Makes the creation, removal or renaming of entries in `directory` durable.
Status SyncDirectory(const std::string& directory);

// Returns the size of the open file.
Status FileSize(int fd, const std::string& path, uint64_t* size);

// Appends to a file being written, tracking the offset.
class FileAppender {
 public:
  FileAppender(int fd, const std::string& path) : fd_(fd), path_(path) {}
  Status Append(const char* data, size_t size);
  uint64_t offset() const { return offset_; }

 private:
  int fd_;
  const std::string& path_;
  uint64_t offset_ = 0;
};

// Replaces the file at `path` so that a crash leaves the old file or the new one whole: `write` fills
// `path`.tmp through an appender, which is then fdatasync'ed, renamed over `path`, and the directory
// synced. On failure the temporary file is removed and the old file stays.
Status ReplaceFileDurably(const std::string& path, const std::function<Status(FileAppender&)>& write);
// ReplaceFileDurably with `bytes` as the new contents.
Status WriteFileDurably(const std::string& path, std::string_view bytes);
// Reads a whole file into `*bytes`; a missing file is 58P01.
Status ReadWholeFile(const std::string& path, std::string* bytes);

}  // namespace tessera::storage
