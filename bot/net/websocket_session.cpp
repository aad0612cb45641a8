#include "bot/net/websocket_session.hpp"

#include <algorithm>

#include "bot/net/fail.hpp"

namespace advisor::server {
namespace {

// A message buffer that grew past this is shrunk after use, so an idle
// connection does not keep a large buffer.
constexpr std::size_t keep_buffer_bytes = 4096;

}  // namespace

websocket_session::websocket_session(tcp::socket&& socket, net_context& ctx, connection_slot slot)
    : ws_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)) {}

websocket_session::~websocket_session() {
  ctx_.connections.remove(this);
  if (handler_) ctx_.log.at(log_level::debug, "ws_end").str("session", handler_->session_id());
}

void websocket_session::run(http::request<http::string_body> req, std::string requested_session) {
  ctx_.connections.add(shared_from_this());
  const auto& o = ctx_.options;
  beast::get_lowest_layer(ws_).expires_never();  // the websocket stream has its own timeouts
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = o.handshake_timeout;
  timeouts.idle_timeout = o.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "advisor"); }));
  if (o.permessage_deflate) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
  }
  // The message size limit is enforced here, not by Beast: Beast would fail
  // the connection (close frame, then an immediate teardown that can reset
  // the TCP connection under the client's feet), while begin_close() runs a
  // complete closing handshake that drains the rest of the message.
  ws_.read_message_max(0);
  ws_.auto_fragment(false);
  ws_.async_accept(
      req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this(), std::move(requested_session)));
}

void websocket_session::shutdown() {
  net::post(ws_.get_executor(), beast::bind_front_handler(&websocket_session::on_shutdown, shared_from_this()));
}

void websocket_session::on_shutdown() {
  // Before the upgrade completes on_accept sees ctx_.shutting_down instead.
  if (handler_) begin_close(websocket::close_code::going_away);
}

void websocket_session::on_accept(std::string requested_session, error_code ec) {
  if (ec) return fail(ctx_.log, ec, "accept", "ws");
  const auto& o = ctx_.options;
  handler_.emplace(ctx_.chat, o.rate, requested_session, frame_handler::clock::now());
  ctx_.log.at(log_level::debug, "ws_start")
      .str("session", handler_->session_id())
      .boolean("resumed", handler_->resumed());
  send(handler_->welcome());
  if (ctx_.shutting_down.load()) return begin_close(websocket::close_code::going_away);
  do_read();
}

void websocket_session::do_read() {
  // One byte more than the limit is enough to see that a message is too big.
  const std::size_t room = ctx_.options.max_message_bytes + 1 - std::min(buffer_.size(), ctx_.options.max_message_bytes);
  ws_.async_read_some(buffer_, room, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big)
      count_close(1009);
    else if (ec == websocket::error::bad_frame_payload)
      count_close(1007);
    return fail(ctx_.log, ec, "read", "ws");
  }
  if (close_sent_) {
    // Arrived after our close frame: it can no longer be answered.
    buffer_.clear();
    return;
  }
  if (!ws_.got_text()) {
    buffer_.clear();
    return begin_close(websocket::close_code::unknown_data);
  }
  if (buffer_.size() > ctx_.options.max_message_bytes) {
    buffer_.clear();
    buffer_.shrink_to_fit();
    return begin_close(websocket::close_code::too_big);
  }
  if (!ws_.is_message_done()) return do_read();  // more fragments or payload to come
  const auto data = buffer_.cdata();
  auto result = handler_->handle(std::string_view(static_cast<const char*>(data.data()), data.size()),
                                 frame_handler::clock::now());
  buffer_.clear();
  if (buffer_.capacity() > keep_buffer_bytes) buffer_.shrink_to_fit();
  send(std::move(result.frame));
  if (result.abusive) return begin_close(websocket::close_code::policy_error);
  if (closing_) return;
  if (queue_.size() >= ctx_.options.max_queue) {
    read_paused_ = true;
    return;
  }
  do_read();
}

void websocket_session::send(std::string frame) {
  queue_.push_back(std::move(frame));
  if (queue_.size() == 1) do_write();
}

void websocket_session::do_write() {
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(error_code ec, std::size_t) {
  if (ec) return fail(ctx_.log, ec, "write", "ws");
  queue_.erase(queue_.begin());
  if (read_paused_ && !closing_ && queue_.size() < ctx_.options.max_queue) {
    read_paused_ = false;
    do_read();
  }
  if (!queue_.empty()) return do_write();
  if (closing_) do_close();
}

void websocket_session::begin_close(websocket::close_code code) {
  if (closing_) return;
  closing_ = true;
  close_code_ = code;
  count_close(static_cast<std::uint16_t>(code));
  if (queue_.empty()) do_close();
}

void websocket_session::do_close() {
  if (close_sent_) return;
  close_sent_ = true;
  ws_.async_close(close_code_, beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(error_code ec) {
  if (ec) fail(ctx_.log, ec, "close", "ws");
}

void websocket_session::count_close(std::uint16_t code) {
  ctx_.metrics.websocket_closes().with({std::to_string(code)}).inc();
  ctx_.log.at(code == 1001 ? log_level::debug : log_level::info, "ws_close")
      .str("session", handler_ ? std::string_view(handler_->session_id()) : std::string_view())
      .num("code", static_cast<unsigned>(code));
}

}  // namespace advisor::server
