// SPDX-License-Identifier: Apache-2.0
// SocketConnection: socket reads and writes on the strand, frame handling on the statement pool.
#include "protocol/socket_connection.h"

#include <cstdio>

#include <fmt/format.h>

#include "base/wire_bytes.h"

namespace tessera::protocol {

namespace {

constexpr size_t kMaxInboxBytes = 4 << 20;
constexpr size_t kMaxOutboxBytes = 1 << 20;

std::string DescribePeer(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  if (error) return "unknown peer";
  return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

}  // namespace

SocketConnection::SocketConnection(boost::asio::ip::tcp::socket socket, boost::asio::thread_pool& pool,
                                   engine::Database& database, CancelRegistry& cancel_registry, const AuthConfig& auth,
                                   OnClosed on_closed)
    : socket_(std::move(socket)),
      strand_(boost::asio::make_strand(socket_.get_executor())),
      pool_(pool),
      cancel_registry_(cancel_registry),
      on_closed_(std::move(on_closed)),
      peer_(DescribePeer(socket_)),
      connection_(std::make_unique<Connection>(database, cancel_registry, static_cast<MessageSink&>(*this), auth)) {
  boost::system::error_code ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket_.set_option(boost::asio::socket_base::keep_alive(true), ignored);
}

SocketConnection::~SocketConnection() = default;

void SocketConnection::Start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->ReadSome(); });
}

// ---- Strand side ----

void SocketConnection::ReadSome() {
  if (!socket_open_) return;
  socket_.async_read_some(boost::asio::buffer(read_buffer_),
                          boost::asio::bind_executor(strand_, [self = shared_from_this()](
                                                                  const boost::system::error_code& error, size_t bytes) {
                            self->OnRead(error, bytes);
                          }));
}

void SocketConnection::OnRead(const boost::system::error_code& error, size_t bytes) {
  if (error) {
    InboxItem item;
    item.kind = InboxItem::Kind::kEndOfInput;
    Enqueue(std::move(item));
    return;
  }
  reader_.Append(std::string_view(read_buffer_.data(), bytes));
  try {
    Frame frame;
    while (reader_.Next(&frame)) {
      if (frame.type == 0 && HandleCancelRequest(frame)) return;
      InboxItem item;
      item.frame = std::move(frame);
      Enqueue(std::move(item));
    }
  } catch (const SqlError& framing_error) {
    InboxItem item;
    item.kind = InboxItem::Kind::kFramingError;
    item.error = framing_error.info();
    Enqueue(std::move(item));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (input_closed_) return;
    if (inbox_bytes_ > kMaxInboxBytes) {
      read_paused_ = true;  // the drain job resumes reading
      return;
    }
  }
  ReadSome();
}

bool SocketConnection::HandleCancelRequest(const Frame& frame) {
  // Handled here rather than on the pool, so that a cancel works even when every pool thread is busy.
  if (frame.body.size() < 4 || static_cast<int32_t>(LoadBigEndian32(frame.body.data())) != kCancelRequestCode) {
    return false;
  }
  try {
    FrontendMessage message = ParseStartupPacket(frame.body);
    const auto& cancel = std::get<CancelRequest>(message);
    cancel_registry_.Cancel(BackendKey{cancel.process_id, cancel.secret_key});
  } catch (const SqlError&) {
    // A malformed cancel request is dropped silently, like PostgreSQL.
  }
  InboxItem item;
  item.kind = InboxItem::Kind::kEndOfInput;
  Enqueue(std::move(item));
  return true;
}

void SocketConnection::WriteNext() {
  bool close_now = false;
  bool have_data = false;
  {
    std::lock_guard lock(mutex_);
    if (socket_closed_) {
      writing_ = false;
      return;
    }
    if (outbox_.empty()) {
      writing_ = false;
      close_now = close_when_written_;
    } else {
      // Gather queued pieces into one write.
      write_buffer_.clear();
      while (!outbox_.empty() && write_buffer_.size() < kMaxOutboxBytes) {
        write_buffer_ += outbox_.front();
        outbox_.pop_front();
      }
      have_data = true;
    }
  }
  if (close_now) CloseSocket();
  if (!have_data) return;
  boost::asio::async_write(socket_, boost::asio::buffer(write_buffer_),
                           boost::asio::bind_executor(strand_, [self = shared_from_this()](
                                                                   const boost::system::error_code& error, size_t) {
                             self->OnWrite(error);
                           }));
}

void SocketConnection::OnWrite(const boost::system::error_code& error) {
  {
    std::lock_guard lock(mutex_);
    if (!socket_closed_) outbox_bytes_ -= write_buffer_.size();
    output_drained_.notify_all();
  }
  if (error) {
    CloseSocket();
    return;
  }
  WriteNext();
}

void SocketConnection::CloseAfterWrites() {
  bool idle;
  {
    std::lock_guard lock(mutex_);
    close_when_written_ = true;
    idle = !writing_;
  }
  if (idle) CloseSocket();
}

void SocketConnection::CloseSocket() {
  if (!socket_open_) return;
  socket_open_ = false;
  {
    std::lock_guard lock(mutex_);
    socket_closed_ = true;
    outbox_.clear();
    outbox_bytes_ = 0;
    output_drained_.notify_all();
  }
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // Make sure the Connection is torn down even when no read is pending to report the close.
  InboxItem item;
  item.kind = InboxItem::Kind::kEndOfInput;
  Enqueue(std::move(item));
  if (on_closed_) {
    OnClosed callback = std::move(on_closed_);
    on_closed_ = nullptr;
    callback(this);
  }
}

void SocketConnection::ForceClose() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->CloseSocket(); });
}

// ---- Any thread ----

void SocketConnection::Enqueue(InboxItem item) {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (input_closed_ || !connection_) return;
    if (item.kind != InboxItem::Kind::kFrame) input_closed_ = true;
    inbox_bytes_ += item.frame.body.size();
    inbox_.push_back(std::move(item));
    if (!drain_scheduled_) schedule = drain_scheduled_ = true;
  }
  if (schedule) boost::asio::post(pool_, [self = shared_from_this()] { self->Drain(); });
}

void SocketConnection::BeginShutdown() {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (!connection_) return;
    connection_->RequestTermination();
    inbox_.clear();
    inbox_bytes_ = 0;
    InboxItem item;
    item.kind = InboxItem::Kind::kShutdown;
    inbox_.push_back(std::move(item));
    input_closed_ = true;
    if (!drain_scheduled_) schedule = drain_scheduled_ = true;
  }
  if (schedule) boost::asio::post(pool_, [self = shared_from_this()] { self->Drain(); });
}

// ---- Pool side ----

void SocketConnection::Drain() {
  for (;;) {
    InboxItem item;
    bool resume_reading = false;
    {
      std::unique_lock lock(mutex_);
      if (inbox_.empty()) {
        // Send what this burst produced, then look again: a frame may have arrived meanwhile.
        lock.unlock();
        connection_->Flush();
        lock.lock();
        if (inbox_.empty()) {
          drain_scheduled_ = false;
          return;
        }
      }
      item = std::move(inbox_.front());
      inbox_.pop_front();
      inbox_bytes_ -= item.frame.body.size();
      if (read_paused_ && inbox_bytes_ <= kMaxInboxBytes / 2 && !input_closed_) {
        read_paused_ = false;
        resume_reading = true;
      }
    }
    if (resume_reading) boost::asio::post(strand_, [self = shared_from_this()] { self->ReadSome(); });
    if (!Process(item)) {
      Finish();
      return;  // drain_scheduled_ stays set: no job runs for this connection again
    }
  }
}

bool SocketConnection::Process(InboxItem& item) {
  try {
    switch (item.kind) {
      case InboxItem::Kind::kFrame:
        return connection_->HandleFrame(item.frame);
      case InboxItem::Kind::kFramingError:
        connection_->HandleFramingError(SqlError(item.error));
        return false;
      case InboxItem::Kind::kEndOfInput:
        return false;
      case InboxItem::Kind::kShutdown:
        connection_->SendAdminShutdown();
        return false;
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "tessera: connection {}: internal error: {}\n", peer_, error.what());
  }
  return false;
}

void SocketConnection::Finish() {
  std::unique_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex_);
    connection = std::move(connection_);
    input_closed_ = true;
    inbox_.clear();
    inbox_bytes_ = 0;
  }
  connection->Flush();
  if (!connection->fatal_error().empty()) {
    fmt::print(stderr, "tessera: connection {}: {}\n", peer_, connection->fatal_error());
  }
  connection.reset();  // ends the session here, on the pool
  boost::asio::post(strand_, [self = shared_from_this()] { self->CloseAfterWrites(); });
}

bool SocketConnection::Send(std::string bytes) {
  std::unique_lock lock(mutex_);
  if (socket_closed_) return false;
  outbox_bytes_ += bytes.size();
  outbox_.push_back(std::move(bytes));
  if (!writing_) {
    writing_ = true;
    boost::asio::post(strand_, [self = shared_from_this()] { self->WriteNext(); });
  }
  output_drained_.wait(lock, [this] { return socket_closed_ || outbox_bytes_ <= kMaxOutboxBytes; });
  return !socket_closed_;
}

}  // namespace tessera::protocol
