#include "bot/net/http_session.hpp"

#include <boost/url/parse.hpp>

#include "bot/net/fail.hpp"
#include "bot/http/http_response.hpp"
#include "bot/net/websocket_session.hpp"

namespace advisor::server {
namespace {

// How long, and how much, a lingering close keeps reading.
constexpr auto linger_time = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = 1024 * 1024;

// Route label for answers given before or without a route.
constexpr std::string_view no_route = "other";

bool is_parse_error(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) {
  if (allowed.empty() || origin.empty()) return true;
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  for (const auto& a : allowed) {
    if (a == "*" || a == origin) return true;
  }
  return false;
}

}  // namespace

http_session::http_session(tcp::socket&& socket, net_context& ctx, connection_slot slot)
    : stream_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)) {
  error_code ec;
  remote_ = stream_.socket().remote_endpoint(ec).address();
}

http_session::~http_session() { ctx_.connections.remove(this); }

void http_session::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::start, shared_from_this()));
}

void http_session::start() {
  ctx_.connections.add(shared_from_this());
  do_read();
}

void http_session::shutdown() {
  net::post(stream_.get_executor(), beast::bind_front_handler(&http_session::on_shutdown, shared_from_this()));
}

void http_session::on_shutdown() {
  shutting_down_ = true;
  // An idle keep-alive connection has nothing in flight: end it now. A
  // request being read or answered finishes first (its answer says close).
  if (awaiting_request_ && buffer_.size() == 0) stream_.cancel();
}

void http_session::do_read() {
  if (shutting_down_ || ctx_.shutting_down.load(std::memory_order_relaxed)) {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    return;
  }
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.max_header_bytes));
  parser_->body_limit(ctx_.options.max_body_bytes);
  stream_.expires_after(ctx_.options.http_timeout);
  awaiting_request_ = true;
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_read_header, shared_from_this()));
}

void http_session::on_read_header(error_code ec, std::size_t) {
  awaiting_request_ = false;
  if (ec) return on_read_error(ec);
  if (slot_.count_when_opened() > ctx_.options.max_connections) {
    ctx_.metrics.error_counter("too_many_connections").inc();
    return send_error(http::status::service_unavailable, "too_many_connections",
                      "the server is at its connection limit; try again later", no_route, true);
  }
  if (parser_->is_done()) return handle_request();
  const auto& req = parser_->get();
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    pending_ = res;
    return http::async_write(stream_, *res,
                             beast::bind_front_handler(&http_session::on_continue_sent, shared_from_this()));
  }
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read_body, shared_from_this()));
}

void http_session::on_continue_sent(error_code ec, std::size_t) {
  pending_.reset();
  if (ec) return fail(ctx_.log, ec, "write", "http");
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read_body, shared_from_this()));
}

void http_session::on_read_body(error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  handle_request();
}

void http_session::on_read_error(const error_code& ec) {
  if (ec == http::error::body_limit) {
    ctx_.metrics.error_counter("payload_too_large").inc();
    return send_error(http::status::payload_too_large, "payload_too_large",
                      "request body is larger than " + std::to_string(ctx_.options.max_body_bytes) + " bytes", no_route,
                      true);
  }
  if (ec == http::error::header_limit) {
    ctx_.metrics.error_counter("headers_too_large").inc();
    return send_error(http::status::request_header_fields_too_large, "headers_too_large",
                      "request headers are too large", no_route, true);
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return do_linger();
  if (is_parse_error(ec)) {
    ctx_.metrics.error_counter("bad_request").inc();
    return send_error(http::status::bad_request, "bad_request", "malformed HTTP request", no_route, true);
  }
  fail(ctx_.log, ec, "read", "http");
}

void http_session::handle_request() {
  const auto& req = parser_->get();
  const auto target = boost::urls::parse_origin_form(req.target());
  if (!target) {
    ctx_.metrics.error_counter("bad_request").inc();
    return send_error(http::status::bad_request, "bad_request", "malformed request target", no_route, false);
  }
  const std::string_view path = target->encoded_path();
  const std::string_view query = target->encoded_query();

  if (websocket::is_upgrade(req)) {
    if (path != "/ws") {
      ctx_.metrics.error_counter("not_found").inc();
      return send_error(http::status::not_found, "not_found", "no WebSocket endpoint here; use /ws", no_route, false);
    }
    if (!origin_allowed(ctx_.options.allowed_origins, req[http::field::origin])) {
      ctx_.metrics.error_counter("forbidden").inc();
      return send_error(http::status::forbidden, "forbidden", "Origin not allowed", "/ws", false);
    }
    if (!ctx_.ready() || ctx_.shutting_down.load()) {
      ctx_.metrics.error_counter("not_ready").inc();
      return send_error(http::status::service_unavailable, "not_ready", "the server is not serving chats now", "/ws",
                        true);
    }
    std::string session;
    for (const auto& param : target->params()) {
      if (param.key == "session" && param.has_value) {
        session = param.value;
        break;
      }
    }
    return upgrade(std::move(session));
  }

  const auto match = ctx_.routes.find(req.method(), path);
  if (match.result == router::outcome::not_found) {
    ctx_.metrics.error_counter("not_found").inc();
    return send_error(http::status::not_found, "not_found", "no such route", no_route, false);
  }
  if (match.result == router::outcome::method_not_allowed) {
    ctx_.metrics.error_counter("method_not_allowed").inc();
    auto res = error_response(http::status::method_not_allowed, "method_not_allowed",
                              "method not allowed; allowed: " + match.allow);
    res.set(http::field::allow, match.allow);
    return send(std::move(res), match.route);
  }
  route_response res;
  try {
    res = (*match.handler)(route_request{req, path, query, match.suffix, remote_});
  } catch (const std::exception& e) {
    // A handler must not throw; if one does, the client gets a 500 and the
    // server goes on.
    ctx_.log.at(log_level::error, "handler_exception").str("route", match.route).str("what", e.what());
    ctx_.metrics.error_counter("internal_error").inc();
    res = error_response(http::status::internal_server_error, "internal_error", "internal error");
  }
  send(std::move(res), match.route);
}

void http_session::upgrade(std::string requested_session) {
  ctx_.metrics.http_requests().with({"/ws", "101"}).inc();
  auto ws = std::make_shared<websocket_session>(stream_.release_socket(), ctx_, std::move(slot_));
  ws->run(parser_->release(), std::move(requested_session));
}

void http_session::send_error(http::status status, std::string_view code, std::string_view message,
                              std::string_view route, bool close) {
  send(error_response(status, code, message), route, close);
}

void http_session::send(route_response res, std::string_view route, bool close) {
  const bool have_request = parser_ && parser_->is_header_done();
  const auto& req = parser_->get();
  const bool head = have_request && req.method() == http::verb::head;
  res.version(have_request ? req.version() : 11);
  res.set(http::field::server, "advisor");
  const bool keep_alive = !close && have_request && req.keep_alive() && !shutting_down_ &&
                          !ctx_.shutting_down.load(std::memory_order_relaxed);
  res.keep_alive(keep_alive);
  if (head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  ctx_.metrics.http_requests().with({route, std::to_string(res.result_int())}).inc();
  ctx_.log.at(log_level::debug, "http")
      .str("method", have_request ? std::string_view(req.method_string()) : std::string_view("-"))
      .str("route", route)
      .num("status", res.result_int());

  auto msg = std::make_shared<route_response>(std::move(res));
  pending_ = msg;
  stream_.expires_after(ctx_.options.http_timeout);
  http::async_write(stream_, *msg,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), msg->need_eof()));
}

void http_session::on_write(bool close, error_code ec, std::size_t) {
  pending_.reset();
  if (ec) return fail(ctx_.log, ec, "write", "http");
  if (close) return do_linger();
  do_read();
}

void http_session::do_linger() {
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return;
  buffer_.clear();
  if (lingered_ == 0) stream_.expires_after(linger_time);
  stream_.async_read_some(buffer_.prepare(4096),
                          beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
}

void http_session::on_linger(error_code ec, std::size_t bytes) {
  lingered_ += bytes + 1;
  if (ec || lingered_ > linger_bytes) {
    stream_.socket().close(ec);
    return;
  }
  do_linger();
}

}  // namespace advisor::server
