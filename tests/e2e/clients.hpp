#pragma once
// Test clients for the end-to-end tests: a Beast WebSocket client and HTTP
// helpers, every operation bounded by a timeout (an operation that does not
// complete in time fails with beast::error::timeout instead of hanging).

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace advisor::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

constexpr auto io_timeout = std::chrono::milliseconds(5000);

// Runs ioc until the operation started before the call sets done.
inline void run_until(net::io_context& ioc, const bool& done) {
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
}

class ws_client {
 public:
  struct frame {
    error_code ec;
    std::string data;
    bool text = true;
  };

  ws_client() : ws_(ioc_) {}

  // Connects to 127.0.0.1:port and upgrades target. Returns the error; on a
  // refused upgrade, response() holds the server's answer (e.g. 403, 503).
  error_code connect(unsigned short port, const std::string& target = "/ws", const std::string& origin = {}) {
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(io_timeout);
    bool done = false;
    error_code result;
    tcp_layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
      result = ec;
      done = true;
    });
    run_until(ioc_, done);
    if (result) return result;
    if (!origin.empty()) {
      ws_.set_option(websocket::stream_base::decorator(
          [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    }
    done = false;
    tcp_layer.expires_after(io_timeout);
    ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), target, [&](error_code ec) {
      result = ec;
      done = true;
    });
    run_until(ioc_, done);
    tcp_layer.expires_never();
    return result;
  }

  const websocket::response_type& response() const { return response_; }

  error_code send_text(std::string_view s) { return write(s, true); }
  error_code send_binary(std::string_view s) { return write(s, false); }

  // Sends one message as several frames (continuation frames after the
  // first; fin on the last).
  error_code send_fragments(const std::vector<std::string>& parts, bool text = true) {
    ws_.text(text);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      bool done = false;
      error_code result;
      beast::get_lowest_layer(ws_).expires_after(io_timeout);
      ws_.async_write_some(i + 1 == parts.size(), net::buffer(parts[i]), [&](error_code ec, std::size_t) {
        result = ec;
        done = true;
      });
      run_until(ioc_, done);
      if (result) return result;
    }
    beast::get_lowest_layer(ws_).expires_never();
    return {};
  }

  // Reads the next message.
  frame read(std::chrono::milliseconds timeout = io_timeout) {
    frame f;
    beast::flat_buffer buffer;
    bool done = false;
    beast::get_lowest_layer(ws_).expires_after(timeout);
    ws_.async_read(buffer, [&](error_code ec, std::size_t) {
      f.ec = ec;
      done = true;
    });
    run_until(ioc_, done);
    beast::get_lowest_layer(ws_).expires_never();
    f.data = beast::buffers_to_string(buffer.data());
    f.text = ws_.got_text();
    return f;
  }

  // Reads the next message as a JSON object; an empty object when the read
  // failed or the message was not a JSON object (last_error() tells).
  boost::json::object read_json(std::chrono::milliseconds timeout = io_timeout) {
    auto f = read(timeout);
    last_error_ = f.ec;
    if (f.ec) return {};
    error_code ec;
    auto v = boost::json::parse(f.data, ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
  }

  error_code last_error() const { return last_error_; }

  // Reads until the server closes; returns its close code (0 when the
  // connection ended without a close frame or did not end in time;
  // last_error() then tells why).
  std::uint16_t read_until_close(std::chrono::milliseconds timeout = io_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto f = read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      last_error_ = f.ec;
      if (f.ec == websocket::error::closed) return static_cast<std::uint16_t>(ws_.reason().code);
      if (f.ec) return 0;
    }
    return 0;
  }

  websocket::close_reason reason() const { return ws_.reason(); }

  void close() {
    bool done = false;
    beast::get_lowest_layer(ws_).expires_after(io_timeout);
    ws_.async_close(websocket::close_code::normal, [&](error_code) { done = true; });
    run_until(ioc_, done);
  }

  websocket::stream<beast::tcp_stream>& stream() { return ws_; }
  net::io_context& ioc() { return ioc_; }

 private:
  error_code write(std::string_view s, bool text) {
    ws_.text(text);
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

  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  websocket::response_type response_;
  error_code last_error_;
};

struct http_result {
  error_code ec;
  http::response<http::string_body> response;
};

// Sends one request on a new connection and reads the answer.
inline http_result http_send(unsigned short port, http::request<http::string_body> req,
                             std::chrono::milliseconds timeout = io_timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  http_result out;
  bool done = false;
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
    out.ec = ec;
    done = true;
  });
  run_until(ioc, done);
  if (out.ec) return out;
  if (req[http::field::host].empty()) req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  done = false;
  http::async_write(stream, req, [&](error_code ec, std::size_t) {
    out.ec = ec;
    done = true;
  });
  run_until(ioc, done);
  if (out.ec) return out;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  parser.skip(req.method() == http::verb::head);  // a HEAD answer has no body
  done = false;
  http::async_read(stream, buffer, parser, [&](error_code ec, std::size_t) {
    out.ec = ec;
    done = true;
  });
  run_until(ioc, done);
  out.response = parser.release();
  return out;
}

inline http_result http_get(unsigned short port, const std::string& target, http::verb verb = http::verb::get) {
  return http_send(port, http::request<http::string_body>(verb, target, 11));
}

inline http_result http_post(unsigned short port, const std::string& target, std::string body,
                             const std::string& content_type = "application/json") {
  http::request<http::string_body> req(http::verb::post, target, 11);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  return http_send(port, std::move(req));
}

// Writes raw bytes on a new connection and returns everything the server
// sends back until it closes the connection (or the timeout passes).
inline std::string raw_exchange(unsigned short port, const std::string& request,
                                std::chrono::milliseconds timeout = io_timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  bool done = false;
  error_code result;
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
    result = ec;
    done = true;
  });
  run_until(ioc, done);
  if (result) return {};
  done = false;
  net::async_write(stream, net::buffer(request), [&](error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  run_until(ioc, done);
  std::string out;
  char buf[4096];
  while (true) {
    done = false;
    std::size_t n = 0;
    stream.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t bytes) {
      result = ec;
      n = bytes;
      done = true;
    });
    run_until(ioc, done);
    out.append(buf, n);
    if (result) break;
  }
  return out;
}

// The JSON body of an HTTP answer as an object (empty when it is not one).
inline boost::json::object json_body(const http::response<http::string_body>& res) {
  error_code ec;
  auto v = boost::json::parse(res.body(), ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

// body["error"]["code"], or "" when absent.
inline std::string error_code_of(const boost::json::object& body) {
  const auto* e = body.if_contains("error");
  if (e == nullptr || !e->is_object()) return {};
  const auto* c = e->as_object().if_contains("code");
  return c != nullptr && c->is_string() ? std::string(c->as_string()) : std::string();
}

inline std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace advisor::test
