#include "bot/client/connection.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <csignal>
#include <deque>
#include <optional>

namespace advisor::client {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;
using clock_type = std::chrono::steady_clock;

using plain_ws = websocket::stream<beast::tcp_stream>;
using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// Longest wait for the server's answer to our close frame.
constexpr std::chrono::milliseconds max_close_wait{2000};

// The User-Agent of the upgrade request.
constexpr std::string_view user_agent = "advisor-client/1";

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// Why the transport ended, in words for people.
std::string lost_detail(const error_code& ec) {
  if (ec == net::error::eof || ec == http::error::end_of_stream || ec == net::error::connection_reset ||
      ec == ssl::error::stream_truncated || ec == net::error::broken_pipe) {
    return "the server dropped the connection without a close frame (" + ec.message() + ")";
  }
  return "the connection failed: " + ec.message();
}

}  // namespace

class connection::impl {
 public:
  explicit impl(const connection_options& options)
      : options_(options), ssl_ctx_(ssl::context::tls_client), signals_(ioc_, SIGINT, SIGTERM) {
    wait_for_signal();
  }

  std::string connect(const ws_url& url) {
    const auto deadline = clock_type::now() + options_.timeout;
    if (url.tls) {
      ssl_ctx_.set_default_verify_paths();
      ssl_ctx_.set_verify_mode(options_.verify_tls ? ssl::verify_peer : ssl::verify_none);
      tls_.emplace(ioc_, ssl_ctx_);
      return connect_stream(*tls_, url, deadline);
    }
    plain_.emplace(ioc_);
    return connect_stream(*plain_, url, deadline);
  }

  bool send(std::string_view text, std::string& error) {
    if (!connected_ || ended_) {
      error = ended_ ? describe_end() : "not connected";
      return false;
    }
    write_buffer_.assign(text);
    write_done_ = false;
    with_ws([this](auto& ws) {
      ws.text(true);
      ws.async_write(net::buffer(write_buffer_), [this](error_code ec, std::size_t) {
        write_done_ = true;
        write_ec_ = ec;
      });
    });
    // A write is short: finish it even when a signal arrives meanwhile.
    run_until([this] { return write_done_; }, clock_type::now() + options_.timeout, false);
    if (!write_done_) {
      error = "timed out after " + seconds_text(options_.timeout) + " sending a frame";
      return false;
    }
    if (write_ec_) {
      error = ended_ ? describe_end() : lost_detail(write_ec_);
      return false;
    }
    return true;
  }

  connection_event next_frame(std::chrono::milliseconds timeout) {
    if (frames_.empty() && !ended_) {
      run_until([this] { return !frames_.empty() || ended_; }, clock_type::now() + timeout, true);
    }
    connection_event e;
    if (!frames_.empty()) {
      e.result = wait_result::frame;
      e.frame = std::move(frames_.front());
      frames_.pop_front();
    } else if (ended_) {
      e = end_event_;
    } else {
      e.result = interrupted_ ? wait_result::interrupted : wait_result::timeout;
    }
    return e;
  }

  connection_event wait_input(int fd) {
    connection_event e;
    if (!watch_input(fd)) {
      e.result = wait_result::input;
      return e;
    }
    run_until([this] { return input_ready_ || ended_; }, std::nullopt, true);
    if (input_ready_) {
      input_ready_ = false;
      e.result = wait_result::input;
    } else if (ended_) {
      e = end_event_;
    } else {
      e.result = wait_result::interrupted;
    }
    return e;
  }

  void close() {
    if (connected_ && !ended_ && !closing_) {
      closing_ = true;
      close_done_ = false;
      with_ws([this](auto& ws) {
        ws.async_close(websocket::close_code::normal, [this](error_code) { close_done_ = true; });
      });
      const auto wait = std::min(options_.timeout, max_close_wait);
      const auto finished = [this] { return close_done_ && !reading_; };
      run_until(finished, clock_type::now() + wait, false);
      if (!finished()) {
        // The server did not answer: drop the connection.
        shutdown_socket();
        run_until(finished, clock_type::now() + max_close_wait, false);
      }
    }
    shutdown_socket();
  }

  bool interrupted() const { return interrupted_; }

 private:
  template <class F>
  void with_ws(F&& f) {
    if (tls_) {
      f(*tls_);
    } else if (plain_) {
      f(*plain_);
    }
  }

  // Runs handlers until done() holds, the deadline passes, or (when
  // stop_on_signal) a signal has arrived.
  template <class Done>
  void run_until(Done done, std::optional<clock_type::time_point> deadline, bool stop_on_signal) {
    while (!done()) {
      if (stop_on_signal && interrupted_) return;
      if (deadline && clock_type::now() >= *deadline) return;
      if (ioc_.stopped()) ioc_.restart();
      if (deadline) {
        ioc_.run_one_until(*deadline);
      } else {
        ioc_.run_one();
      }
    }
  }

  void wait_for_signal() {
    signals_.async_wait([this](error_code ec, int) {
      if (ec) return;
      interrupted_ = true;
      wait_for_signal();
    });
  }

  // Runs one asynchronous step of the connect sequence to completion.
  // Returns "" or why it failed; cancel stops the step on timeout.
  template <class Start, class Cancel>
  std::string step(clock_type::time_point deadline, Start start, Cancel cancel) {
    step_done_ = false;
    step_ec_ = {};
    start();
    run_until([this] { return step_done_; }, deadline, true);
    if (step_done_) return step_ec_ ? step_ec_.message() : std::string();
    cancel();
    const auto grace = clock_type::now() + max_close_wait;
    run_until([this] { return step_done_; }, grace, false);
    if (interrupted_) return "interrupted";
    return "timed out after " + seconds_text(options_.timeout);
  }

  auto step_handler() {
    return [this](error_code ec, auto&&...) {
      step_done_ = true;
      step_ec_ = ec;
    };
  }

  template <class Ws>
  std::string connect_stream(Ws& ws, const ws_url& url, clock_type::time_point deadline) {
    auto& socket = beast::get_lowest_layer(ws);
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type endpoints;
    std::string why = step(
        deadline,
        [&] {
          resolver.async_resolve(url.host, url.port, [this, &endpoints](error_code ec, tcp::resolver::results_type r) {
            endpoints = std::move(r);
            step_done_ = true;
            step_ec_ = ec;
          });
        },
        [&] { resolver.cancel(); });
    if (!why.empty()) return "cannot resolve " + url.host + ": " + why;

    why = step(
        deadline, [&] { socket.async_connect(endpoints, step_handler()); }, [&] { socket.close(); });
    if (!why.empty()) return why;

    if constexpr (std::is_same_v<Ws, tls_ws>) {
      auto& tls = ws.next_layer();
      if (!is_ip_address(url.host)) SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str());
      if (options_.verify_tls) tls.set_verify_callback(ssl::host_name_verification(url.host));
      why = step(
          deadline, [&] { tls.async_handshake(ssl::stream_base::client, step_handler()); }, [&] { socket.close(); });
      if (!why.empty()) {
        std::string out = "TLS handshake failed: " + why;
        if (why.find("certificate verify failed") != std::string::npos) {
          out += " (the server's certificate is not trusted for " + url.host + "; --insecure skips the check)";
        }
        return out;
      }
    }

    websocket::stream_base::timeout t{};
    t.handshake_timeout = options_.timeout;
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws.set_option(t);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, user_agent); }));
    websocket::response_type response;
    why = step(
        deadline, [&] { ws.async_handshake(response, url.host_header, url.target, step_handler()); },
        [&] { socket.close(); });
    if (!why.empty()) {
      if (step_ec_ == websocket::error::upgrade_declined) {
        return "the server refused the WebSocket upgrade: HTTP " + std::to_string(response.result_int()) + " " +
               std::string(response.reason());
      }
      return "WebSocket handshake failed: " + why;
    }
    connected_ = true;
    start_read();
    return {};
  }

  void start_read() {
    reading_ = true;
    with_ws([this](auto& ws) { ws.async_read(read_buffer_, [this](error_code ec, std::size_t) { on_read(ec); }); });
  }

  void on_read(error_code ec) {
    reading_ = false;
    if (ec) return end_with(ec);
    bool text = true;
    with_ws([&text](auto& ws) { text = ws.got_text(); });
    if (!text) {
      end_event_.result = wait_result::failed;
      end_event_.detail = "the server sent a binary frame (the protocol allows text frames only)";
      ended_ = true;
      return;
    }
    frames_.push_back(beast::buffers_to_string(read_buffer_.data()));
    read_buffer_.consume(read_buffer_.size());
    start_read();
  }

  void end_with(const error_code& ec) {
    ended_ = true;
    if (ec == websocket::error::closed) {
      websocket::close_reason reason;
      with_ws([&reason](auto& ws) { reason = ws.reason(); });
      end_event_.result = wait_result::closed;
      end_event_.close_code = reason.code == websocket::close_code::none ? 1005 : reason.code;
      end_event_.close_reason = std::string(reason.reason.data(), reason.reason.size());
      return;
    }
    end_event_.result = wait_result::failed;
    end_event_.detail = closing_ ? "closed" : lost_detail(ec);
  }

  std::string describe_end() const {
    if (end_event_.result == wait_result::closed) {
      return "the server closed the connection (code " + std::to_string(end_event_.close_code) + ")";
    }
    return end_event_.detail;
  }

  // Starts watching fd; false when the loop cannot watch it.
  bool watch_input(int fd) {
    if (!input_ || input_fd_ != fd) {
      input_.reset();
      input_ready_ = false;
      input_waiting_ = false;
      const int copy = ::dup(fd);
      if (copy < 0) return false;
      input_ = std::make_unique<net::posix::stream_descriptor>(ioc_);
      error_code ec;
      input_->assign(copy, ec);
      if (ec) {
        ::close(copy);
        input_.reset();
        return false;
      }
      input_fd_ = fd;
    }
    if (!input_waiting_ && !input_ready_) {
      input_waiting_ = true;
      // Any completion counts as readable: a descriptor epoll cannot watch
      // (a regular file) fails at once, and reading it never blocks.
      input_->async_wait(net::posix::descriptor_base::wait_read, [this](error_code) {
        input_waiting_ = false;
        input_ready_ = true;
      });
    }
    return true;
  }

  void shutdown_socket() {
    error_code ec;
    if (tls_) beast::get_lowest_layer(*tls_).socket().close(ec);
    if (plain_) beast::get_lowest_layer(*plain_).socket().close(ec);
  }

  connection_options options_;
  net::io_context ioc_;
  ssl::context ssl_ctx_;
  net::signal_set signals_;
  std::optional<plain_ws> plain_;
  std::optional<tls_ws> tls_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> frames_;
  std::string write_buffer_;
  std::unique_ptr<net::posix::stream_descriptor> input_;
  int input_fd_ = -1;
  connection_event end_event_;
  error_code step_ec_;
  error_code write_ec_;
  bool step_done_ = false;
  bool write_done_ = false;
  bool close_done_ = false;
  bool input_ready_ = false;
  bool input_waiting_ = false;
  bool connected_ = false;
  bool reading_ = false;
  bool closing_ = false;
  bool ended_ = false;
  bool interrupted_ = false;
};

connection::connection(const connection_options& options) : impl_(std::make_unique<impl>(options)) {}
connection::~connection() = default;
std::string connection::connect(const ws_url& url) { return impl_->connect(url); }
bool connection::send(std::string_view text, std::string& error) { return impl_->send(text, error); }
connection_event connection::next_frame(std::chrono::milliseconds timeout) { return impl_->next_frame(timeout); }
connection_event connection::wait_input(int fd) { return impl_->wait_input(fd); }
void connection::close() { impl_->close(); }
bool connection::interrupted() const { return impl_->interrupted(); }

}  // namespace advisor::client
