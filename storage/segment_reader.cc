// SPDX-License-Identifier: Apache-2.0
// Reading segment files: trailer and footer at open, chunks on demand from a mapping of the file.
#include "storage/segment_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "base/check.h"
#include "simd/crc32c.h"
#include "storage/encoding/physical_value.h"
#include "storage/file_io.h"
#include "storage/vector_sketch.h"

namespace tessera::storage {
namespace {

std::string Where(size_t row_group, size_t column) {
  return "row group " + std::to_string(row_group) + ", column " + std::to_string(column);
}

bool SameStats(PhysicalType type, const ChunkStats& left, const ChunkStats& right) {
  if (left.num_rows != right.num_rows || left.null_count != right.null_count || left.has_value != right.has_value) {
    return false;
  }
  return !left.has_value || (StatsBytes(type, left.min) == StatsBytes(type, right.min) &&
                             StatsBytes(type, left.max) == StatsBytes(type, right.max));
}

}  // namespace

SegmentReader::SegmentReader(SegmentReader&& other) noexcept { *this = std::move(other); }

SegmentReader& SegmentReader::operator=(SegmentReader&& other) noexcept {
  if (this == &other) return *this;
  Close();
  path_ = std::move(other.path_);
  fd_ = std::exchange(other.fd_, -1);
  footer_ = std::move(other.footer_);
  map_ = std::exchange(other.map_, nullptr);
  map_size_ = std::exchange(other.map_size_, 0);
  verified_ = std::move(other.verified_);
  sketches_ = std::move(other.sketches_);
  return *this;
}

SegmentReader::~SegmentReader() { Close(); }

void SegmentReader::Close() {
  if (map_ != nullptr) munmap(const_cast<char*>(map_), map_size_);
  map_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Status SegmentReader::Corrupt(const std::string& problem) const {
  return Status(SqlState::kDataCorrupted, "invalid segment file \"" + path_ + "\": " + problem);
}

Status SegmentReader::Open(const std::string& path, SegmentReader* reader) {
  SegmentReader opened;
  opened.path_ = path;
  opened.fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (opened.fd_ < 0) return IoErrorStatus("open", path, errno);
  uint64_t file_size;
  if (Status status = FileSize(opened.fd_, path, &file_size); !status.ok()) return status;
  if (Status status = opened.ReadFooter(file_size); !status.ok()) return status;
  void* map = mmap(nullptr, file_size, PROT_READ, MAP_SHARED, opened.fd_, 0);
  if (map != MAP_FAILED) {
    opened.map_ = static_cast<const char*>(map);
    opened.map_size_ = file_size;
  }
  opened.verified_ =
      std::make_unique<std::atomic<bool>[]>(opened.footer_.row_groups.size() * opened.footer_.column_types.size());
  *reader = std::move(opened);
  return Status::Ok();
}

Status SegmentReader::ReadFooter(uint64_t file_size) {
  if (file_size < kSegmentHeaderSize + kSegmentTrailerSize) {
    return Corrupt("file of " + std::to_string(file_size) + " bytes is too short");
  }
  char header[kSegmentHeaderSize];
  char trailer_bytes[kSegmentTrailerSize];
  const uint64_t trailer_offset = file_size - kSegmentTrailerSize;
  for (auto [offset, size, out] : {std::tuple{uint64_t{0}, sizeof header, header},
                                   std::tuple{trailer_offset, sizeof trailer_bytes, trailer_bytes}}) {
    if (const int error = ReadAt(fd_, offset, size, out); error != 0) {
      return error < 0 ? Corrupt("file is shorter than its size") : IoErrorStatus("read", path_, error);
    }
  }
  SegmentTrailer trailer;
  for (Status status : {DecodeSegmentHeader(header), DecodeSegmentTrailer(trailer_bytes, &trailer)}) {
    if (status.ok()) continue;
    if (status.state() == SqlState::kDataCorrupted) return Corrupt(status.info().message);
    return std::move(status).WithDetail("file \"" + path_ + "\"");
  }
  if (trailer.footer_offset < kSegmentHeaderSize || trailer.footer_offset > trailer_offset ||
      trailer.footer_size != trailer_offset - trailer.footer_offset) {
    return Corrupt("footer location lies outside the file");
  }
  std::string footer(trailer.footer_size, '\0');
  if (const int error = ReadAt(fd_, trailer.footer_offset, footer.size(), footer.data()); error != 0) {
    return error < 0 ? Corrupt("file is shorter than its size") : IoErrorStatus("read", path_, error);
  }
  if (simd::Crc32c(footer.data(), footer.size()) != trailer.footer_crc) return Corrupt("incorrect footer checksum");
  if (auto problem = DecodeSegmentFooter(footer, trailer.footer_offset, &footer_)) return Corrupt(*problem);
  return Status::Ok();
}

bool SegmentReader::RowGroupMayMatch(size_t row_group, size_t column, CompareOp op, const Value& constant) const {
  TESSERA_CHECK(row_group < footer_.row_groups.size() && column < footer_.column_types.size());
  const SegmentChunkInfo& chunk = footer_.row_groups[row_group].chunks[column];
  return StatsMayMatch(GetPhysicalType(footer_.column_types[column]), chunk.stats, op, constant);
}

Status SegmentReader::ReadChunk(size_t row_group, size_t column, std::string* bytes, ColumnChunk* chunk) const {
  TESSERA_CHECK(row_group < footer_.row_groups.size() && column < footer_.column_types.size());
  const SegmentChunkInfo& info = footer_.row_groups[row_group].chunks[column];
  std::string_view chunk_bytes;
  if (map_ != nullptr) {
    bytes->clear();
    chunk_bytes = std::string_view(map_ + info.offset, info.size);  // the footer checked it lies in the file
  } else {
    bytes->resize(info.size);
    if (const int error = ReadAt(fd_, info.offset, info.size, bytes->data()); error != 0) {
      if (error > 0) return IoErrorStatus("read", path_, error);
      return Corrupt(Where(row_group, column) + ": file ends before the chunk");
    }
    chunk_bytes = *bytes;
  }
  std::atomic<bool>& verified = verified_[row_group * footer_.column_types.size() + column];
  const bool verify = map_ == nullptr || !verified.load(std::memory_order_acquire);
  if (Status status = ColumnChunk::Open(chunk_bytes, chunk, verify); !status.ok()) {
    return Corrupt(Where(row_group, column) + ": " + status.info().message);
  }
  const PhysicalType type = GetPhysicalType(footer_.column_types[column]);
  if (chunk->physical_type() != type || !SameStats(type, chunk->stats(), info.stats)) {
    return Corrupt(Where(row_group, column) + ": chunk disagrees with the footer");
  }
  if (verify && map_ != nullptr) verified.store(true, std::memory_order_release);
  return Status::Ok();
}

Status SegmentReader::ReadColumn(size_t row_group, size_t column, idx_t row_begin, idx_t count, Vector* out) const {
  TESSERA_CHECK(row_group < footer_.row_groups.size());
  TESSERA_CHECK(row_begin <= footer_.row_groups[row_group].num_rows &&
                count <= footer_.row_groups[row_group].num_rows - row_begin);
  std::string bytes;
  ColumnChunk chunk;
  if (Status status = ReadChunk(row_group, column, &bytes, &chunk); !status.ok()) return status;
  *out = Vector(footer_.column_types[column]);
  chunk.DecodeRange(row_begin, count, out);
  return Status::Ok();
}

Status SegmentReader::AppendColumn(size_t column, Vector* out) const {
  for (size_t group = 0; group < footer_.row_groups.size(); ++group) {
    Vector values(footer_.column_types[column]);
    if (Status status = ReadColumn(group, column, 0, footer_.row_groups[group].num_rows, &values); !status.ok()) {
      return status;
    }
    out->Append(values);
  }
  return Status::Ok();
}

}  // namespace tessera::storage

namespace tessera::storage {

std::shared_ptr<const VectorSketch> SegmentReader::Sketch(size_t row_group, size_t column,
                                                          const ColumnChunk& chunk) const {
  if (sketches_ == nullptr) return VectorSketch::Build(chunk);  // a moved-from reader
  const size_t key = row_group * footer_.column_types.size() + column;
  {
    std::lock_guard lock(sketches_->mutex);
    if (auto found = sketches_->by_chunk.find(key); found != sketches_->by_chunk.end()) return found->second;
  }
  // Built outside the lock: scans of other chunks go on; two scans of this one may both build it.
  std::shared_ptr<const VectorSketch> sketch = VectorSketch::Build(chunk);
  std::lock_guard lock(sketches_->mutex);
  return sketches_->by_chunk.emplace(key, std::move(sketch)).first->second;
}

}  // namespace tessera::storage
