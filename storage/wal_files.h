// SPDX-License-Identifier: Apache-2.0
// The WAL directory and its files on POSIX: listing, directory sync, full reads, and the Status of a
// failed system call (58030 io_error, 53100 disk_full for ENOSPC/EDQUOT).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace tessera::storage {

struct WalFileInfo {
  uint64_t first_lsn = 0;  // from the file name
  std::string path;
};

// Returns the status for a system call that failed with `error_number`, e.g. IoErrorStatus("fsync",
// path, EIO): 'could not fsync "path": Input/output error'.
Status IoErrorStatus(const std::string& operation, const std::string& path, int error_number);

// Lists the WAL files of `directory` in LSN order; other names are ignored.
Status ListWalFiles(const std::string& directory, std::vector<WalFileInfo>* files);

// Makes the creation, removal or renaming of entries in `directory` durable.
Status SyncDirectory(const std::string& directory);

// Reads exactly `size` bytes at `offset`; a short read (end of file) is XX001 naming the file and offset.
Status ReadFully(int fd, const std::string& path, uint64_t offset, size_t size, char* out);

// Returns the size of the open file.
Status FileSize(int fd, const std::string& path, uint64_t* size);

}  // namespace tessera::storage
