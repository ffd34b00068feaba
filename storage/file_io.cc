// SPDX-License-Identifier: Apache-2.0
#include "storage/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status FileAppender::Append(const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = write(fd_, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return IoErrorStatus("write", path_, errno);
    data += written;
    size -= static_cast<size_t>(written);
    offset_ += static_cast<uint64_t>(written);
  }
  return Status::Ok();
}

Status ReplaceFileDurably(const std::string& path, const std::function<Status(FileAppender&)>& write) {
  const std::string temporary_path = path + ".tmp";
  const int fd = open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoErrorStatus("open", temporary_path, errno);
  FileAppender file(fd, temporary_path);
  Status status = write(file);
  if (status.ok() && fdatasync(fd) != 0) status = IoErrorStatus("fdatasync", temporary_path, errno);
  if (close(fd) != 0 && status.ok()) status = IoErrorStatus("close", temporary_path, errno);
  if (status.ok() && rename(temporary_path.c_str(), path.c_str()) != 0) status = IoErrorStatus("rename", temporary_path, errno);
  if (!status.ok()) {
    unlink(temporary_path.c_str());
    return status;
  }
  return SyncDirectory(DirectoryOf(path));
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  return ReplaceFileDurably(path, [bytes](FileAppender& file) { return file.Append(bytes.data(), bytes.size()); });
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
