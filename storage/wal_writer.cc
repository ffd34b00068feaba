// SPDX-License-Identifier: Apache-2.0
// WalWriter: recovery on open, buffered appends, group commit, file rollover and removal.
#include "storage/wal_writer.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "storage/wal_format.h"
#include "storage/wal_reader.h"

namespace tessera::storage {
namespace {

Status CreateDirectory(const std::string& directory) {
  if (mkdir(directory.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Status::Ok();
    return IoErrorStatus("create directory", directory, errno);
  }
  size_t slash = directory.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : directory.substr(0, slash);
  return SyncDirectory(parent);
}

}  // namespace

Status WalWriter::Open(const std::string& directory, const WalOptions& options, std::unique_ptr<WalWriter>* writer) {
  Status status = CreateDirectory(directory);
  if (!status.ok()) return status;
  std::unique_ptr<WalWriter> opened(new WalWriter(directory, options));
  status = opened->Recover();
  if (!status.ok()) return status;
  *writer = std::move(opened);
  return Status::Ok();
}

WalWriter::WalWriter(std::string directory, const WalOptions& options)
    : directory_(std::move(directory)), options_(options) {}

WalWriter::~WalWriter() {
  uint64_t last = last_lsn();
  if (last > durable_lsn()) WaitDurable(last);
  {
    std::unique_lock lock(mutex_);
    durable_changed_.wait(lock, [this] { return !leader_active_; });
  }
  if (fd_ >= 0) close(fd_);
}

// Reads the whole log to find where it ends, truncates a torn tail there (or rewrites a torn file
// header) and makes that durable before anything is appended after it.
Status WalWriter::Recover() {
  Status status = ListWalFiles(directory_, &files_);
  if (!status.ok()) return status;
  if (files_.empty()) {
    status = CreateFile(1);
    tail_file_size_ = file_offset_;
    return status;
  }
  std::unique_ptr<WalReader> reader;
  status = WalReader::Open(directory_, 0, &reader);
  WalRecord record;
  for (bool found = true; status.ok() && found;) status = reader->Next(&record, &found);
  if (!status.ok()) return status;
  const WalEnd& end = reader->end();
  next_lsn_ = end.next_lsn;
  durable_lsn_ = next_lsn_ - 1;
  if (!end.header_intact) {
    uint64_t first_lsn = files_.back().first_lsn;
    files_.pop_back();
    status = CreateFile(first_lsn);
    tail_file_size_ = file_offset_;
    return status;
  }
  file_path_ = end.path;
  fd_ = open(file_path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) return IoErrorStatus("open", file_path_, errno);
  uint64_t size = 0;
  status = FileSize(fd_, file_path_, &size);
  if (!status.ok()) return status;
  if (size > end.offset) {
    if (ftruncate(fd_, static_cast<off_t>(end.offset)) != 0) return IoErrorStatus("truncate file", file_path_, errno);
    if (fsync(fd_) != 0) return IoErrorStatus("fsync file", file_path_, errno);
  }
  file_offset_ = end.offset;
  tail_file_size_ = file_offset_;
  return Status::Ok();
}

// Creates the file for records from first_lsn with its header, durably (file and directory entry),
// and makes it the file being written.
Status WalWriter::CreateFile(uint64_t first_lsn) {
  std::string path = directory_ + "/" + WalFileName(first_lsn);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoErrorStatus("create file", path, errno);
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  file_path_ = path;
  file_offset_ = 0;
  std::string header(kWalFileHeaderSize, '\0');
  EncodeWalFileHeader(first_lsn, header.data());
  Status status = WriteAll(header);
  if (status.ok()) status = Sync();
  if (status.ok()) status = SyncDirectory(directory_);
  if (!status.ok()) return status;
  std::lock_guard lock(mutex_);
  files_.push_back({first_lsn, path});
  return Status::Ok();
}

Status WalWriter::Append(uint16_t type, std::string_view payload, uint64_t* lsn) {
  return AppendParts(type, std::span<const std::string_view>(&payload, 1), lsn);
}

Status WalWriter::AppendParts(uint16_t type, std::span<const std::string_view> parts, uint64_t* lsn) {
  size_t payload_size = 0;
  for (std::string_view part : parts) payload_size += part.size();
  if (payload_size > kWalMaxPayloadSize) {
    return Status(SqlState::kProgramLimitExceeded, "WAL record of " + std::to_string(payload_size) +
                                                       " bytes exceeds the maximum of " +
                                                       std::to_string(kWalMaxPayloadSize));
  }
  uint64_t record_size = kWalRecordOverhead + payload_size;
  std::lock_guard lock(mutex_);
  if (!failure_.ok()) return failure_;
  bool new_file = tail_file_size_ > kWalFileHeaderSize && tail_file_size_ + record_size > options_.file_size_limit;
  if (new_file) {
    chunks_.push_back({true, next_lsn_, {}});
    tail_file_size_ = kWalFileHeaderSize;
  } else if (chunks_.empty() ||
             (!chunks_.back().bytes.empty() && chunks_.back().bytes.size() + record_size > kChunkBytes)) {
    chunks_.push_back({false, next_lsn_, {}});
  }
  std::string& bytes = chunks_.back().bytes;
  size_t start = bytes.size();
  if (start == 0) bytes.reserve(record_size);
  // The flags and both CRCs are filled in by the leader that writes the chunk (SealWalRecord).
  bytes.resize(start + kWalRecordHeaderSize);
  EncodeWalRecordHeader({static_cast<uint32_t>(payload_size), type, 0, next_lsn_}, bytes.data() + start);
  for (std::string_view part : parts) bytes.append(part);
  bytes.append(kWalRecordTrailerSize, '\0');
  tail_file_size_ += record_size;
  *lsn = next_lsn_++;
  return Status::Ok();
}

Status WalWriter::WaitDurable(uint64_t lsn) {
  std::unique_lock lock(mutex_);
  if (lsn >= next_lsn_) {
    return Status(SqlState::kInternalError, "WAL LSN " + std::to_string(lsn) + " was never appended");
  }
  while (durable_lsn_ < lsn) {
    if (!failure_.ok()) return failure_;
    if (leader_active_) {
      durable_changed_.wait(lock);
      continue;
    }
    leader_active_ = true;
    std::vector<Chunk> chunks = std::move(chunks_);
    chunks_.clear();
    uint64_t target = next_lsn_ - 1;
    lock.unlock();
    Status status = WriteChunks(chunks);
    lock.lock();
    leader_active_ = false;
    if (status.ok()) {
      durable_lsn_ = target;
    } else {
      failure_ = std::move(status);
    }
    durable_changed_.notify_all();
  }
  return Status::Ok();
}

Status WalWriter::Commit(uint16_t type, std::string_view payload, uint64_t* lsn) {
  Status status = Append(type, payload, lsn);
  if (!status.ok()) return status;
  return WaitDurable(*lsn);
}

// Runs on the leader without the lock: one pwrite per chunk, a sync before switching files and one
// at the end.
Status WalWriter::WriteChunks(std::vector<Chunk>& chunks) {
  for (Chunk& chunk : chunks) {
    if (chunk.new_file) {
      Status status = Sync();
      if (status.ok()) status = CreateFile(chunk.first_lsn);
      if (!status.ok()) return status;
    }
    bool write_start = true;
    for (size_t offset = 0; offset < chunk.bytes.size();) {
      char* record = chunk.bytes.data() + offset;
      SealWalRecord(record, write_start);
      write_start = false;
      offset += kWalRecordOverhead + DecodeFixed32(record);
    }
    Status status = WriteAll(chunk.bytes);
    if (!status.ok()) return status;
  }
  return Sync();
}

Status WalWriter::WriteAll(const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t written = options_.syscalls.write_at(fd_, bytes.data() + done, bytes.size() - done,
                                                 static_cast<off_t>(file_offset_));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return IoErrorStatus("write to file", file_path_, errno);
    done += static_cast<size_t>(written);
    file_offset_ += static_cast<uint64_t>(written);
  }
  return Status::Ok();
}

Status WalWriter::Sync() {
  sync_count_.fetch_add(1, std::memory_order_relaxed);
  if (options_.syscalls.sync_data(fd_) != 0) return IoErrorStatus("fdatasync file", file_path_, errno);
  return Status::Ok();
}

Status WalWriter::RemoveBefore(uint64_t lsn) {
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mutex_);
    size_t count = 0;
    while (count + 1 < files_.size() && files_[count + 1].first_lsn <= lsn) ++count;
    for (size_t index = 0; index < count; ++index) doomed.push_back(std::move(files_[index].path));
    files_.erase(files_.begin(), files_.begin() + static_cast<std::ptrdiff_t>(count));
  }
  if (doomed.empty()) return Status::Ok();
  for (const std::string& path : doomed) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return IoErrorStatus("remove file", path, errno);
  }
  return SyncDirectory(directory_);
}

uint64_t WalWriter::last_lsn() const {
  std::lock_guard lock(mutex_);
  return next_lsn_ - 1;
}

uint64_t WalWriter::durable_lsn() const {
  std::lock_guard lock(mutex_);
  return durable_lsn_;
}

size_t WalWriter::file_count() const {
  std::lock_guard lock(mutex_);
  return files_.size();
}

}  // namespace tessera::storage
