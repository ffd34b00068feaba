// SPDX-License-Identifier: Apache-2.0
// POSIX helpers for the WAL directory.
#include "storage/wal_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "storage/wal_format.h"

namespace tessera::storage {

Status IoErrorStatus(const std::string& operation, const std::string& path, int error_number) {
  SqlState state = (error_number == ENOSPC || error_number == EDQUOT) ? SqlState::kDiskFull : SqlState::kIoError;
  if (error_number == ENOENT && operation == "open") state = SqlState::kUndefinedFile;
  return Status(state, "could not " + operation + " \"" + path + "\": " + std::strerror(error_number));
}

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

Status SyncDirectory(const std::string& directory) {
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoErrorStatus("open directory", directory, errno);
  Status status;
  if (fsync(fd) != 0) status = IoErrorStatus("fsync directory", directory, errno);
  close(fd);
  return status;
}

Status ReadFully(int fd, const std::string& path, uint64_t offset, size_t size, char* out) {
  size_t done = 0;
  while (done < size) {
    ssize_t got = pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return IoErrorStatus("read", path, errno);
    if (got == 0) {
      return Status(SqlState::kDataCorrupted, "unexpected end of WAL file")
          .WithDetail("file \"" + path + "\" ends at offset " + std::to_string(offset + done));
    }
    done += static_cast<size_t>(got);
  }
  return Status::Ok();
}

Status FileSize(int fd, const std::string& path, uint64_t* size) {
  struct stat info;
  if (fstat(fd, &info) != 0) return IoErrorStatus("stat", path, errno);
  *size = static_cast<uint64_t>(info.st_size);
  return Status::Ok();
}

}  // namespace tessera::storage
