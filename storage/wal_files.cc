// SPDX-License-Identifier: Apache-2.0
// POSIX helpers for the WAL directory.
#include "storage/wal_files.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>

#include "storage/wal_format.h"

namespace tessera::storage {

Status ListWalFiles(const std::string& directory, std::vector<WalFileInfo>* files) {
  files->clear();
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return IoErrorStatus("open directory", directory, errno);
  errno = 0;
  while (dirent* entry = readdir(dir)) {
    uint64_t first_lsn;
    if (ParseWalFileName(entry->d_name, &first_lsn)) {
      files->push_back({first_lsn, directory + "/" + entry->d_name});
    }
  }
  int read_error = errno;
  closedir(dir);
  if (read_error != 0) return IoErrorStatus("read directory", directory, read_error);
  std::sort(files->begin(), files->end(),
            [](const WalFileInfo& a, const WalFileInfo& b) { return a.first_lsn < b.first_lsn; });
  return Status::Ok();
}

Status ReadFully(int fd, const std::string& path, uint64_t offset, size_t size, char* out) {
  size_t done = 0;
  const int error = ReadAt(fd, offset, size, out, &done);
  if (error > 0) return IoErrorStatus("read", path, error);
  if (error < 0) {
    return Status(SqlState::kDataCorrupted, "unexpected end of WAL file")
        .WithDetail("file \"" + path + "\" ends at offset " + std::to_string(offset + done));
  }
  return Status::Ok();
}

}  // namespace tessera::storage
