// SPDX-License-Identifier: Apache-2.0
// WalReader: record framing checks and the torn-tail rule of the last file.
#include "storage/wal_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "storage/wal_format.h"

namespace tessera::storage {

Status WalReader::Open(const std::string& directory, uint64_t from_lsn, std::unique_ptr<WalReader>* reader) {
  std::vector<WalFileInfo> files;
  Status status = ListWalFiles(directory, &files);
  if (!status.ok()) return status;
  size_t file_index = 0;
  if (from_lsn != 0 && !files.empty()) {
    if (from_lsn < files.front().first_lsn) {
      return Status(SqlState::kUndefinedFile, "requested WAL record at LSN " + std::to_string(from_lsn) +
                                                  " has already been removed");
    }
    while (file_index + 1 < files.size() && files[file_index + 1].first_lsn <= from_lsn) ++file_index;
  }
  reader->reset(new WalReader(std::move(files), file_index, from_lsn));
  return Status::Ok();
}

WalReader::WalReader(std::vector<WalFileInfo> files, size_t file_index, uint64_t from_lsn)
    : files_(std::move(files)), file_index_(file_index), from_lsn_(from_lsn) {}

WalReader::~WalReader() {
  if (fd_ >= 0) close(fd_);
}

Status WalReader::Next(WalRecord* record, bool* found) {
  if (!error_.ok()) {
    *found = false;
    return error_;
  }
  Status status = ReadNext(record, found);
  if (!status.ok()) {
    *found = false;
    error_ = status;
  }
  return status;
}

Status WalReader::ReadNext(WalRecord* record, bool* found) {
  *found = false;
  while (!finished_) {
    if (files_.empty()) {
      finished_ = true;
      end_.next_lsn = 1;
      break;
    }
    if (fd_ < 0) {
      Status status = OpenFile();
      if (!status.ok() || finished_) return status;
    }
    if (offset_ == file_size_) {
      if (in_last_file()) {
        FinishAt(offset_, true);
        break;
      }
      close(fd_);
      fd_ = -1;
      ++file_index_;
      continue;
    }
    Status status = ReadRecord(record, found);
    if (!status.ok() || !*found) return status;
    if (record->lsn >= from_lsn_) return status;
    *found = false;
  }
  return Status::Ok();
}

Status WalReader::OpenFile() {
  const WalFileInfo& file = files_[file_index_];
  if (expected_lsn_ != 0 && file.first_lsn != expected_lsn_) {
    return Corrupt("WAL file starts at LSN " + std::to_string(file.first_lsn) +
                       " but the previous file ends before LSN " + std::to_string(expected_lsn_),
                   0);
  }
  fd_ = open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return IoErrorStatus("open", file.path, errno);
  Status status = FileSize(fd_, file.path, &file_size_);
  if (!status.ok()) return status;
  expected_lsn_ = file.first_lsn;
  // The writer syncs a new file's header before writing any record to it, so a defective header
  // with nothing after it is a file whose creation a crash interrupted.
  bool header_only = file_size_ <= kWalFileHeaderSize;
  if (file_size_ < kWalFileHeaderSize) {
    if (in_last_file()) {
      FinishAt(0, false);
      return Status::Ok();
    }
    return Corrupt("WAL file header cut short", 0);
  }
  char header[kWalFileHeaderSize];
  status = ReadFully(fd_, file.path, 0, sizeof(header), header);
  if (!status.ok()) return status;
  uint64_t header_lsn = 0;
  status = DecodeWalFileHeader(header, &header_lsn);
  if (status.ok() && header_lsn != file.first_lsn) {
    status = Status(SqlState::kDataCorrupted, "WAL file header names LSN " + std::to_string(header_lsn));
  }
  if (!status.ok()) {
    if (status.state() == SqlState::kDataCorrupted && in_last_file() && header_only) {
      FinishAt(0, false);
      return Status::Ok();
    }
    if (status.state() != SqlState::kDataCorrupted) return status;
    return Corrupt(status.info().message, 0);
  }
  offset_ = kWalFileHeaderSize;
  return Status::Ok();
}

Status WalReader::ReadRecord(WalRecord* record, bool* found) {
  const std::string& path = files_[file_index_].path;
  uint64_t remaining = file_size_ - offset_;
  if (remaining < kWalRecordHeaderSize) {
    if (in_last_file()) return TornTailOrCorrupt("WAL record header cut short", found);
    return Corrupt("WAL record header cut short by the end of the file", offset_);
  }
  char header_bytes[kWalRecordHeaderSize];
  Status status = ReadFully(fd_, path, offset_, sizeof(header_bytes), header_bytes);
  if (!status.ok()) return status;
  WalRecordHeader header;
  if (!DecodeWalRecordHeader(header_bytes, &header)) {
    if (in_last_file()) return TornTailOrCorrupt("incorrect WAL record header checksum", found);
    return Corrupt("incorrect WAL record header checksum", offset_);
  }
  if (header.payload_size > kWalMaxPayloadSize) {
    return Corrupt("invalid WAL record length " + std::to_string(header.payload_size), offset_);
  }
  uint64_t record_size = kWalRecordOverhead + header.payload_size;
  if (record_size > remaining) {
    if (!in_last_file()) return Corrupt("WAL record cut short by the end of the file", offset_);
    FinishAt(offset_, true);  // a torn write: the header is intact, the rest never reached the file
    return Status::Ok();
  }
  record->payload.resize(header.payload_size + kWalRecordTrailerSize);
  status = ReadFully(fd_, path, offset_ + kWalRecordHeaderSize, record->payload.size(), record->payload.data());
  if (!status.ok()) return status;
  uint32_t stored_crc = DecodeFixed32(record->payload.data() + header.payload_size);
  record->payload.resize(header.payload_size);
  if (stored_crc != WalRecordCrc(header_bytes, record->payload)) {
    if (in_last_file()) return TornTailOrCorrupt("incorrect WAL record checksum", found);
    return Corrupt("incorrect WAL record checksum", offset_);
  }
  if (header.lsn != expected_lsn_) {
    return Corrupt("WAL record LSN out of sequence: expected " + std::to_string(expected_lsn_) + ", found " +
                       std::to_string(header.lsn),
                   offset_);
  }
  record->lsn = header.lsn;
  record->type = header.type;
  ++expected_lsn_;
  offset_ += record_size;
  *found = true;
  return Status::Ok();
}

Status WalReader::TornTailOrCorrupt(const std::string& reason, bool* found) {
  uint64_t later_write = 0;
  bool has_later_write = false;
  Status status = FindIntactWriteStart(offset_ + 1, &has_later_write, &later_write);
  if (!status.ok()) return status;
  if (has_later_write) {
    return Corrupt(reason + " (an intact later write starts at offset " + std::to_string(later_write) + ")", offset_);
  }
  *found = false;
  FinishAt(offset_, true);
  return Status::Ok();
}

Status WalReader::FindIntactWriteStart(uint64_t offset, bool* found, uint64_t* found_at) {
  *found = false;
  if (offset >= file_size_) return Status::Ok();
  std::string rest(file_size_ - offset, '\0');
  Status status = ReadFully(fd_, files_[file_index_].path, offset, rest.size(), rest.data());
  if (!status.ok()) return status;
  for (size_t position = 0; position + kWalRecordOverhead <= rest.size(); ++position) {
    const char* candidate = rest.data() + position;
    if (candidate[6] != static_cast<char>(kWalFlagWriteStart) || candidate[7] != 0) continue;  // cheap filter
    WalRecordHeader header;
    if (!DecodeWalRecordHeader(candidate, &header) || header.lsn < expected_lsn_) continue;
    if (header.payload_size > rest.size() - position - kWalRecordOverhead) continue;
    std::string_view payload(candidate + kWalRecordHeaderSize, header.payload_size);
    if (DecodeFixed32(payload.data() + payload.size()) != WalRecordCrc(candidate, payload)) continue;
    *found = true;
    *found_at = offset + position;
    return Status::Ok();
  }
  return Status::Ok();
}

Status WalReader::Corrupt(const std::string& reason, uint64_t offset) const {
  return Status(SqlState::kDataCorrupted, reason)
      .WithDetail("file \"" + files_[file_index_].path + "\", offset " + std::to_string(offset));
}

void WalReader::FinishAt(uint64_t offset, bool header_intact) {
  finished_ = true;
  end_ = WalEnd{files_[file_index_].path, offset, expected_lsn_, header_intact};
}

}  // namespace tessera::storage
