// SPDX-License-Identifier: Apache-2.0
// The WAL directory and its files on POSIX: listing, and full reads whose short read is a WAL defect
// (the generic helpers are in storage/file_io.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/file_io.h"

namespace tessera::storage {

struct WalFileInfo {
  uint64_t first_lsn = 0;  // from the file name
  std::string path;
};

// Lists the WAL files of `directory` in LSN order; other names are ignored.
Status ListWalFiles(const std::string& directory, std::vector<WalFileInfo>* files);

// Reads exactly `size` bytes at `offset`; a short read (end of file) is XX001 naming the file and offset.
Status ReadFully(int fd, const std::string& path, uint64_t offset, size_t size, char* out);

}  // namespace tessera::storage
