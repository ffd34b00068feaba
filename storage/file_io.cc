// SPDX-License-Identifier: Apache-2.0
#include "storage/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tessera::storage {

Status IoErrorStatus(const std::string& operation, const std::string& path, int error_number) {
  SqlState state = (error_number == ENOSPC || error_number == EDQUOT) ? SqlState::kDiskFull : SqlState::kIoError;
  if (error_number == ENOENT && operation == "open") state = SqlState::kUndefinedFile;
  return Status(state, "could not " + operation + " \"" + path + "\": " + std::strerror(error_number));
}

int ReadAt(int fd, uint64_t offset, size_t size, char* out, size_t* read_bytes) {
  size_t done = 0;
  int result = 0;
  while (done < size) {
    const ssize_t got = pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      result = got < 0 ? errno : -1;
      break;
    }
    done += static_cast<size_t>(got);
  }
  if (read_bytes != nullptr) *read_bytes = done;
  return result;
}

Status SyncDirectory(const std::string& directory) {
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoErrorStatus("open directory", directory, errno);
  Status status;
  if (fsync(fd) != 0) status = IoErrorStatus("fsync directory", directory, errno);
  close(fd);
  return status;
}

Status FileSize(int fd, const std::string& path, uint64_t* size) {
  struct stat info;
  if (fstat(fd, &info) != 0) return IoErrorStatus("stat", path, errno);
  *size = static_cast<uint64_t>(info.st_size);
  return Status::Ok();
}

}  // namespace tessera::storage
