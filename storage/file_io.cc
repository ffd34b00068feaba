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

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  const std::string temporary_path = path + ".tmp";
  const int fd = open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoErrorStatus("create", temporary_path, errno);
  Status status;
  size_t done = 0;
  while (status.ok() && done < bytes.size()) {
    const ssize_t wrote = write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) status = IoErrorStatus("write", temporary_path, errno);
    if (wrote > 0) done += static_cast<size_t>(wrote);
  }
  if (status.ok() && fdatasync(fd) != 0) status = IoErrorStatus("fdatasync", temporary_path, errno);
  close(fd);
  if (status.ok() && rename(temporary_path.c_str(), path.c_str()) != 0) status = IoErrorStatus("rename", temporary_path, errno);
  if (!status.ok()) {
    unlink(temporary_path.c_str());
    return status;
  }
  const size_t slash = path.rfind('/');
  return SyncDirectory(slash == std::string::npos ? "." : path.substr(0, slash));
}

Status ReadWholeFile(const std::string& path, std::string* bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoErrorStatus("open", path, errno);
  uint64_t size = 0;
  Status status = FileSize(fd, path, &size);
  if (status.ok()) {
    bytes->resize(size);
    size_t got = 0;
    const int error = ReadAt(fd, 0, size, bytes->data(), &got);
    if (error != 0 || got != size) status = IoErrorStatus("read", path, error > 0 ? error : EIO);
  }
  close(fd);
  return status;
}

}  // namespace tessera::storage
