// echo_server: the baseline of the WebSocket benchmark (built, never run as
// a test). A trivial WebSocket echo server built exactly like the advisor's
// server (bot/server/listener.cpp, http_session.cpp, websocket_session.cpp):
// a thread pool running one io_context, an acceptor on a strand of its own,
// one strand per connection, an HTTP session that reads the upgrade request
// with the same parser limits and hands the socket to a WebSocket session
// with the same stream options (timeouts with keep-alive pings, no Beast
// message limit, no auto-fragmenting), the same read loop (async_read_some
// bounded by the message size limit) and the same bounded outbound queue.
// What it lacks is everything the advisor does per message: JSON parsing,
// the engine, the session store, metrics and logs. It sends a welcome-like
// frame on connect and answers each text frame with the same bytes.
//
//   echo_server [--port 0] [--bind 127.0.0.1] [--threads 0 (one per core)]
//
// The first stdout line is a JSON log line carrying "port", like the
// advisor's. SIGINT/SIGTERM stop it (exit 0).
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bot/net/net.hpp"
#include "tests/bench/bench_common.hpp"

namespace {

using namespace advisor::server;  // net, beast, http, websocket, tcp, error_code

// The advisor's defaults (server_options.hpp), so both servers do the same
// I/O work per message.
constexpr std::size_t max_message_bytes = 16 * 1024;
constexpr std::size_t max_header_bytes = 8 * 1024;
constexpr std::size_t max_body_bytes = 64 * 1024;
constexpr std::size_t max_queue = 64;
constexpr std::size_t keep_buffer_bytes = 4096;
constexpr auto http_timeout = std::chrono::seconds(30);
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr auto idle_timeout = std::chrono::seconds(60);

// About the size and shape of the advisor's welcome frame.
constexpr std::string_view welcome =
    R"({"type":"welcome","session":"0123456789abcdef0123456789abcdef","text":"Hi! Ask me how a Technical )"
    R"(Program Manager and a Product Manager differ.","suggestions":["What does a TPM do?","TPM vs PM?",)"
    R"("Which role suits me?"],"version":"1"})";

class ws_session : public std::enable_shared_from_this<ws_session> {
 public:
  explicit ws_session(tcp::socket&& socket) : ws_(std::move(socket)) {}

  void run(http::request<http::string_body> req) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = handshake_timeout;
    timeouts.idle_timeout = idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(
        websocket::stream_base::decorator([](websocket::response_type& res) { res.set(http::field::server, "echo"); }));
    ws_.read_message_max(0);
    ws_.auto_fragment(false);
    ws_.async_accept(req, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
  }

 private:
  void on_accept(error_code ec) {
    if (ec) return;
    send(std::string(welcome));
    do_read();
  }

  void do_read() {
    const std::size_t room = max_message_bytes + 1 - std::min(buffer_.size(), max_message_bytes);
    ws_.async_read_some(buffer_, room, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return;
    if (!ws_.got_text() || buffer_.size() > max_message_bytes) return;  // the baseline needs no close codes
    if (!ws_.is_message_done()) return do_read();
    const auto data = buffer_.cdata();
    std::string reply(static_cast<const char*>(data.data()), data.size());
    buffer_.clear();
    if (buffer_.capacity() > keep_buffer_bytes) buffer_.shrink_to_fit();
    send(std::move(reply));
    if (queue_.size() >= max_queue) {
      read_paused_ = true;
      return;
    }
    do_read();
  }

  void send(std::string frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) do_write();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()), beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    if (ec) return;
    queue_.erase(queue_.begin());
    if (read_paused_ && queue_.size() < max_queue) {
      read_paused_ = false;
      do_read();
    }
    if (!queue_.empty()) do_write();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::vector<std::string> queue_;
  bool read_paused_ = false;
};

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  explicit http_session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(max_header_bytes));
    parser_->body_limit(max_body_bytes);
    stream_.expires_after(http_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return;
    if (websocket::is_upgrade(parser_->get())) {
      std::make_shared<ws_session>(stream_.release_socket())->run(parser_->release());
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>(http::status::not_found, 11);
    res->set(http::field::content_type, "text/plain");
    res->body() = "echo_server serves WebSocket only\n";
    res->prepare_payload();
    res->keep_alive(false);
    http::async_write(stream_, *res, [self = shared_from_this(), res](error_code, std::size_t) {
      error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class listener : public std::enable_shared_from_this<listener> {
 public:
  explicit listener(net::io_context& ioc)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()) {}

  error_code open(const tcp::endpoint& endpoint) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return ec;
  }
  tcp::endpoint local_endpoint() const {
    error_code ec;
    return acceptor_.local_endpoint(ec);
  }
  void run() {
    net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&listener::do_accept, shared_from_this()));
  }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, say: wait a little and accept again.
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<http_session>(std::move(socket))->run();
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto flags = advisor::bench::parse_flags(argc, argv);
  if (!flags || flags->count("help")) {
    std::fprintf(stderr, "usage: echo_server [--port 0] [--bind 127.0.0.1] [--threads 0]\n");
    return flags ? 0 : 2;
  }
  const auto port = static_cast<unsigned short>(advisor::bench::flag_number(*flags, "port", 0));
  const std::string bind = advisor::bench::flag_string(*flags, "bind", "127.0.0.1");
  auto threads = static_cast<unsigned>(advisor::bench::flag_number(*flags, "threads", 0));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  std::signal(SIGPIPE, SIG_IGN);
  advisor::bench::raise_file_limit();
  net::io_context ioc(static_cast<int>(threads));
  error_code ec;
  const auto address = net::ip::make_address(bind, ec);
  if (ec) {
    std::fprintf(stderr, "echo_server: bad --bind address '%s'\n", bind.c_str());
    return 2;
  }
  auto l = std::make_shared<listener>(ioc);
  if (ec = l->open(tcp::endpoint(address, port)); ec) {
    std::fprintf(stderr, "echo_server: cannot listen on %s:%u: %s\n", bind.c_str(), port, ec.message().c_str());
    return 1;
  }
  std::printf("{\"level\":\"info\",\"event\":\"listening\",\"address\":\"%s\",\"port\":%u,\"threads\":%u}\n",
              bind.c_str(), l->local_endpoint().port(), threads);
  std::fflush(stdout);

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&ioc](error_code, int) { ioc.stop(); });
  l->run();
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
