#pragma once
// A connection is one client WebSocket to the advisor (ws:// or wss://),
// driven synchronously: every call runs the connection's private event loop
// until its own work is done, its deadline passes, or SIGINT/SIGTERM
// arrives. A read is always pending once connected, so frames that arrive
// during any call are queued in order, and pings are answered, for as long
// as the caller keeps calling (next_frame, wait_input).
//
// While a connection exists it catches SIGINT and SIGTERM; a signal ends the
// current wait with `interrupted` and stays recorded (interrupted()).
//
// Thread safety: not thread safe; use from one thread. At most one
// connection may exist at a time (it owns the signal handlers).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bot/client/ws_url.hpp"

namespace advisor::client {

// Why a wait ended.
enum class wait_result {
  frame,        // a text frame arrived (event.frame)
  input,        // the watched descriptor is readable
  timeout,      // the deadline passed
  interrupted,  // SIGINT or SIGTERM
  closed,       // the server closed the WebSocket (event.close_code, close_reason)
  failed,       // the transport failed or the server broke the protocol (event.detail)
};

struct connection_event {
  wait_result result = wait_result::timeout;
  std::string frame;             // frame: the message text
  std::uint16_t close_code = 0;  // closed: the server's close code (1005 when it gave none)
  std::string close_reason;      // closed: the server's reason, may be empty
  std::string detail;            // failed: what went wrong, for people
};

struct connection_options {
  std::chrono::milliseconds timeout{10'000};  // limit for resolving, connecting and both handshakes
  bool verify_tls = true;                     // wss://: verify the certificate chain and host name
};

class connection {
 public:
  explicit connection(const connection_options& options);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Resolves, connects, performs the TLS handshake (wss://) and the
  // WebSocket upgrade. Returns "" on success, else why it failed ("connection
  // refused", "the server refused the WebSocket upgrade: HTTP 404 Not
  // Found", "timed out after 10s", "interrupted"). Call once.
  std::string connect(const ws_url& url);

  // Sends one text frame and waits until it is written. Returns false and
  // sets error when it cannot (closed, failed, timed out, interrupted).
  bool send(std::string_view text, std::string& error);

  // Returns the oldest queued frame, else waits up to timeout for one. When
  // the queue is empty and the connection has ended, returns closed/failed.
  connection_event next_frame(std::chrono::milliseconds timeout);

  // Waits, without a deadline, until fd has input to read, the connection
  // ends, or a signal arrives (input, closed/failed, interrupted). Frames
  // arriving meanwhile are queued for next_frame. A descriptor the event
  // loop cannot watch (a regular file) counts as readable at once.
  connection_event wait_input(int fd);

  // Sends a close frame with code 1000 and waits (up to the timeout, at most
  // 2 s) for the server's close. Harmless when already closed or failed.
  void close();

  // True once SIGINT or SIGTERM arrived.
  bool interrupted() const;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace advisor::client
