// SPDX-License-Identifier: Apache-2.0
// SocketConnection: one client socket on Boost.Asio, feeding frames to a Connection on the statement pool
// and writing its output back from the I/O threads. Private to server.cc (it includes Asio).
//
// Threads. Socket operations run on the connection's strand (I/O threads). Frames go into an inbox;
// one drain job at a time runs on the statement pool and hands them to the Connection in order. Output
// goes through Send() (MessageSink) into an outbox the strand writes; Send() blocks the pool thread
// while more than 1 MiB is unwritten, so a slow reader throttles its own statement only. Reading pauses
// while the inbox holds more than 4 MiB of unhandled frames.
//
// Lifetime: a shared_ptr kept alive by pending handlers and jobs. The Connection (and its Session) is
// destroyed on the pool by the drain job that ends the connection.
#pragma once

#include <utility>  // before Asio: GCC 12 + C++20 needs it

#include <array>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio.hpp>

#include "protocol/connection.h"
#include "protocol/frame_reader.h"

namespace tessera::protocol {

class SocketConnection : public std::enable_shared_from_this<SocketConnection>, private MessageSink {
 public:
  using OnClosed = std::function<void(SocketConnection*)>;

  // `on_closed` runs once, on the strand, when the socket has been closed.
  // `auth` must outlive the SocketConnection.
  SocketConnection(boost::asio::ip::tcp::socket socket, boost::asio::thread_pool& pool, engine::Database& database,
                   CancelRegistry& cancel_registry, const AuthConfig& auth, OnClosed on_closed);
  ~SocketConnection() override;

  // See Connection::RefuseStartup. Call before Start().
  void RefuseStartup(ErrorInfo error) { connection_->RefuseStartup(std::move(error)); }
  // Starts reading. Call once, after construction (needs shared_from_this()).
  void Start();
  // Server shutdown: cancels the running statement, drops unhandled input, sends FATAL 57P01 and closes
  // once the current statement has stopped. Any thread.
  void BeginShutdown();
  // Closes the socket now; blocked output is dropped. Any thread.
  void ForceClose();

  const std::string& peer() const { return peer_; }

 private:
  struct InboxItem {
    enum class Kind { kFrame, kFramingError, kEndOfInput, kShutdown };
    Kind kind = Kind::kFrame;
    Frame frame;
    ErrorInfo error;  // kFramingError
  };

  // Strand side.
  void ReadSome();
  void OnRead(const boost::system::error_code& error, size_t bytes);
  bool HandleCancelRequest(const Frame& frame);
  void WriteNext();
  void OnWrite(const boost::system::error_code& error);
  void CloseAfterWrites();
  void CloseSocket();

  // Any thread.
  void Enqueue(InboxItem item);

  // Pool side.
  void Drain();
  bool Process(InboxItem& item);
  void Finish();
  bool Send(std::string bytes) override;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::thread_pool& pool_;
  CancelRegistry& cancel_registry_;
  OnClosed on_closed_;
  std::string peer_;

  // Strand only.
  std::array<char, 16 * 1024> read_buffer_;
  FrameReader reader_;
  std::string write_buffer_;
  bool socket_open_ = true;

  // Pool side: used by the one running drain job; moved out under mutex_ when the connection ends.
  std::unique_ptr<Connection> connection_;

  std::mutex mutex_;
  std::condition_variable output_drained_;
  std::deque<InboxItem> inbox_;        // GUARDED_BY(mutex_)
  size_t inbox_bytes_ = 0;             // GUARDED_BY(mutex_)
  bool drain_scheduled_ = false;       // GUARDED_BY(mutex_)
  bool input_closed_ = false;          // GUARDED_BY(mutex_): no more frames are accepted
  bool read_paused_ = false;           // GUARDED_BY(mutex_)
  std::deque<std::string> outbox_;     // GUARDED_BY(mutex_)
  size_t outbox_bytes_ = 0;            // GUARDED_BY(mutex_): queued plus being written
  bool writing_ = false;               // GUARDED_BY(mutex_)
  bool close_when_written_ = false;    // GUARDED_BY(mutex_)
  bool socket_closed_ = false;         // GUARDED_BY(mutex_)
};

}  // namespace tessera::protocol
