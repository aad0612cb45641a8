#pragma once
// An http_session serves one TCP connection's HTTP/1.1 requests, one at a
// time (keep-alive and pipelining work; answers keep the order), in the
// style of Beast's advanced_server. It routes each request through the
// server's router, upgrades GET /ws to a websocket_session (after the
// Origin, readiness and capacity checks), answers `Expect: 100-continue`,
// and turns limit violations into protocol errors: body over the limit 413,
// headers over the limit 431, malformed requests 400, connections past
// --max-connections 503. After an answer that ends the connection it shuts
// down its sending side and drains what the client still sends for a moment
// (a lingering close), so the client reads the answer instead of a reset.
//
// Ownership: owns itself through shared_from_this; runs on the strand its
// socket was accepted on. Thread safety: only shutdown() may be called from
// other threads.

#include <memory>
#include <optional>
#include <string>

#include "bot/net/connection.hpp"
#include "bot/net/net.hpp"
#include "bot/http/router.hpp"
#include "bot/net/net_context.hpp"

namespace advisor::server {

class http_session : public connection, public std::enable_shared_from_this<http_session> {
 public:
  // slot counts this connection; over capacity when it was opened past
  // --max-connections (the session then answers 503 to its first request).
  http_session(tcp::socket&& socket, net_context& ctx, connection_slot slot);
  ~http_session() override;

  void run();
  void shutdown() override;

 private:
  void start();
  void do_read();
  void on_read_header(error_code ec, std::size_t bytes);
  void on_continue_sent(error_code ec, std::size_t bytes);
  void on_read_body(error_code ec, std::size_t bytes);
  void on_read_error(const error_code& ec);
  void handle_request();
  void upgrade(std::string requested_session);
  void send(route_response res, std::string_view route, bool close = false);
  void send_error(http::status status, std::string_view code, std::string_view message, std::string_view route,
                  bool close);
  void on_write(bool close, error_code ec, std::size_t bytes);
  void do_linger();
  void on_linger(error_code ec, std::size_t bytes);
  void on_shutdown();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  net_context& ctx_;
  connection_slot slot_;
  net::ip::address remote_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> pending_;  // the message being written
  bool awaiting_request_ = false;  // a read for a new request is pending
  bool shutting_down_ = false;
  std::size_t lingered_ = 0;
};

}  // namespace advisor::server
