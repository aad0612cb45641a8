#pragma once
// A websocket_session serves one WebSocket connection of the chat protocol
// (protocol.md): it completes the upgrade, sends the welcome, then reads one
// message at a time and hands it to its frame_handler, writing back exactly
// one frame per message in order.
//
// Outbound frames go through a bounded queue (--max-queue): a write starts
// only when the queue was empty and the frame is popped when its write
// completes. Slow-client policy: when the queue is full the session stops
// reading from that peer (back-pressure: TCP flow control then slows the
// sender) and resumes when a write completes. A peer that neither reads
// nor sends is pinged after half the idle timeout and closed after the
// whole of it, so a stuck peer holds at most --max-queue frames until then.
//
// Closes: binary message 1003; message over --max-message-bytes (counted
// over all its fragments, checked as it arrives) 1009; invalid UTF-8 1007
// (by Beast's read); sustained abuse 1008; server shutdown 1001. These
// closes, but 1007, wait until every queued reply has been written and
// then run the whole closing handshake.
//
// Ownership: owns itself through shared_from_this; runs on the strand of
// the connection's socket. Thread safety: only shutdown() may be called
// from other threads.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/net/connection.hpp"
#include "bot/chat/frame_handler.hpp"
#include "bot/net/net.hpp"
#include "bot/net/net_context.hpp"

namespace advisor::server {

class websocket_session : public connection, public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(tcp::socket&& socket, net_context& ctx, connection_slot slot);
  ~websocket_session() override;

  // Accepts the upgrade request (read by an http_session, on this
  // connection's strand) and resumes requested_session when known.
  void run(http::request<http::string_body> req, std::string requested_session);
  void shutdown() override;

 private:
  void on_accept(std::string requested_session, error_code ec);
  void do_read();
  void on_read(error_code ec, std::size_t bytes);
  void send(std::string frame);
  void do_write();
  void on_write(error_code ec, std::size_t bytes);
  void begin_close(websocket::close_code code);
  void do_close();
  void on_close(error_code ec);
  void on_shutdown();
  void count_close(std::uint16_t code);

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::vector<std::string> queue_;  // outbound frames; front() is being written
  net_context& ctx_;
  connection_slot slot_;
  std::optional<frame_handler> handler_;  // set once the upgrade is accepted
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool read_paused_ = false;  // queue full: reading resumes when a write completes
  bool closing_ = false;      // a close is due once the queue drains
  bool close_sent_ = false;   // async_close started
};

}  // namespace advisor::server
