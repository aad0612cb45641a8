#pragma once
// TLS test clients for the deployment tests: an HTTPS request helper and a
// wss:// WebSocket client, both verifying the server's certificate against a
// given CA file (the test's self-signed certificate) and the host name
// "localhost". Every operation is bounded by a timeout (io_timeout).

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/clients.hpp"

namespace advisor::test {

namespace ssl = net::ssl;

// A client TLS context that trusts only ca_file and checks the host name.
inline ssl::context client_tls_context(const std::filesystem::path& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(ca_file.string());
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

// Connects stream to 127.0.0.1:port and completes the TLS handshake
// (SNI and certificate host "localhost").
inline error_code tls_connect(net::io_context& ioc, beast::ssl_stream<beast::tcp_stream>& stream, unsigned short port) {
  error_code result;
  bool done = false;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(io_timeout);
  tcp_layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
    result = ec;
    done = true;
  });
  run_until(ioc, done);
  if (result) return result;
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  done = false;
  stream.async_handshake(ssl::stream_base::client, [&](error_code ec) {
    result = ec;
    done = true;
  });
  run_until(ioc, done);
  return result;
}

// Sends one HTTPS request on a new connection and reads the answer.
inline http_result https_send(unsigned short port, const std::filesystem::path& ca_file,
                              http::request<http::string_body> req) {
  net::io_context ioc;
  auto tls = client_tls_context(ca_file);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  http_result out;
  out.ec = tls_connect(ioc, stream, port);
  if (out.ec) return out;
  req.set(http::field::host, "localhost");
  req.prepare_payload();
  bool done = false;
  beast::get_lowest_layer(stream).expires_after(io_timeout);
  http::async_write(stream, req, [&](error_code ec, std::size_t) {
    out.ec = ec;
    done = true;
  });
  run_until(ioc, done);
  if (out.ec) return out;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  done = false;
  http::async_read(stream, buffer, parser, [&](error_code ec, std::size_t) {
    out.ec = ec;
    done = true;
  });
  run_until(ioc, done);
  out.response = parser.release();
  return out;
}

// POST target with a JSON body (plus extra headers) over HTTPS.
inline http_result https_post_json(unsigned short port, const std::filesystem::path& ca_file, const std::string& target,
                                   std::string body,
                                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  http::request<http::string_body> req(http::verb::post, target, 11);
  req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  return https_send(port, ca_file, std::move(req));
}

inline http_result https_get(unsigned short port, const std::filesystem::path& ca_file, const std::string& target) {
  return https_send(port, ca_file, http::request<http::string_body>(http::verb::get, target, 11));
}

// A wss:// client: connect() upgrades target over TLS, then text frames.
class wss_client {
 public:
  explicit wss_client(const std::filesystem::path& ca_file) : tls_(client_tls_context(ca_file)), ws_(ioc_, tls_) {}

  error_code connect(unsigned short port, const std::string& target = "/ws") {
    error_code result = tls_connect(ioc_, ws_.next_layer(), port);
    if (result) return result;
    bool done = false;
    beast::get_lowest_layer(ws_).expires_after(io_timeout);
    ws_.async_handshake(response_, "localhost", target, [&](error_code ec) {
      result = ec;
      done = true;
    });
    run_until(ioc_, done);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    return result;
  }

  const websocket::response_type& response() const { return response_; }

  error_code send_text(std::string_view s) {
    ws_.text(true);
    bool done = false;
    error_code result;
    beast::get_lowest_layer(ws_).expires_after(io_timeout);
    ws_.async_write(net::buffer(s.data(), s.size()), [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    run_until(ioc_, done);
    beast::get_lowest_layer(ws_).expires_never();
    return result;
  }

  // The next message as a JSON object; empty when the read failed or timed
  // out (last_error() tells) or the message was not an object.
  boost::json::object read_json(std::chrono::milliseconds timeout = io_timeout) {
    beast::flat_buffer buffer;
    bool done = false;
    // The WebSocket stream owns the TCP timer once open: bound the wait with
    // a separate timer that cancels the socket.
    net::steady_timer timer(ioc_);
    timer.expires_after(timeout);
    timer.async_wait([this](error_code ec) {
      if (!ec) beast::get_lowest_layer(ws_).cancel();
    });
    ws_.async_read(buffer, [&](error_code ec, std::size_t) {
      last_error_ = ec;
      done = true;
    });
    run_until(ioc_, done);
    timer.cancel();
    if (last_error_) return {};
    error_code ec;
    auto v = boost::json::parse(beast::buffers_to_string(buffer.data()), ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
  }

  // Stays idle for `idle` with a read pending (so the client answers the
  // server's pings), then sends frame and returns the next message as
  // read_json() does. Empty when anything arrived or failed while idle.
  boost::json::object idle_then_ask(std::chrono::milliseconds idle, std::string_view frame) {
    beast::flat_buffer buffer;
    bool read_done = false;
    ws_.async_read(buffer, [&](error_code ec, std::size_t) {
      last_error_ = ec;
      read_done = true;
    });
    ioc_.restart();
    ioc_.run_for(idle);
    if (read_done) return {};
    bool write_done = false;
    ws_.text(true);
    ws_.async_write(net::buffer(frame.data(), frame.size()), [&](error_code ec, std::size_t) {
      if (ec) last_error_ = ec;
      write_done = true;
    });
    net::steady_timer timer(ioc_);
    timer.expires_after(io_timeout);
    timer.async_wait([this](error_code ec) {
      if (!ec) beast::get_lowest_layer(ws_).cancel();
    });
    ioc_.restart();
    while (!(read_done && write_done) && ioc_.run_one() > 0) {
    }
    timer.cancel();
    if (last_error_) return {};
    error_code ec;
    auto v = boost::json::parse(beast::buffers_to_string(buffer.data()), ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
  }

  error_code last_error() const { return last_error_; }

  // Sends a normal close and waits for the server's close frame
  // (close_code() then tells its code). The error is the whole teardown's:
  // after the close frames, proxies often drop TCP without a TLS
  // close_notify, which shows here as stream_truncated or ENOTCONN.
  error_code close() {
    bool done = false;
    error_code result;
    net::steady_timer timer(ioc_);
    timer.expires_after(io_timeout);
    timer.async_wait([this](error_code ec) {
      if (!ec) beast::get_lowest_layer(ws_).cancel();
    });
    ws_.async_close(websocket::close_code::normal, [&](error_code ec) {
      result = ec;
      done = true;
    });
    run_until(ioc_, done);
    timer.cancel();
    return result;
  }

  // The code of the close frame the server sent (0 when none yet).
  std::uint16_t close_code() const { return static_cast<std::uint16_t>(ws_.reason().code); }

 private:
  net::io_context ioc_;
  ssl::context tls_;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  websocket::response_type response_;
  error_code last_error_;
};

}  // namespace advisor::test
