#include "bot/chat/frame_handler.hpp"

#include "bot/protocol/client_frame.hpp"
#include "bot/protocol/server_frame.hpp"

namespace advisor::server {
namespace {

constexpr std::string_view channel_name = "ws";

}  // namespace

frame_handler::frame_handler(chat_service& chat, const rate_options& rate, std::string_view requested_id,
                             clock::time_point now)
    : chat_(chat),
      session_(chat.open(requested_id, /*save_new=*/true)),
      bucket_(rate.msg_rate, rate.msg_burst, now),
      abuse_(rate.msg_rate * rate.abuse_factor, rate.abuse_window, now) {}

std::string frame_handler::welcome() const {
  // A WebSocket is accepted only once a brain is loaded (http_session answers
  // the upgrade 503 before), and brains are replaced, never removed.
  const auto b = chat_.current_brain();
  return protocol::welcome_frame(session_.id, b ? b->welcome() : welcome_message{});
}

frame_handler::result frame_handler::handle(std::string_view text, clock::time_point now) {
  result out;
  chat_.count_message();
  out.abusive = abuse_.record(now);
  auto parsed = protocol::parse_client_frame(text, chat_.limits());
  if (auto* err = std::get_if<protocol::frame_error>(&parsed)) {
    chat_.record_error(*err, session_.id, channel_name);
    out.frame = protocol::error_frame(*err);
    return out;
  }
  auto& frame = std::get<protocol::client_frame>(parsed);
  switch (frame.type) {
    case protocol::frame_type::ping:
      out.frame = protocol::pong_frame(frame.id);
      break;
    case protocol::frame_type::reset:
      session_.conv.reset();
      chat_.save(session_.id, session_.conv);
      out.frame = protocol::reset_ok_frame(frame.id);
      break;
    case protocol::frame_type::message: {
      if (!bucket_.try_take(now)) {
        const protocol::frame_error e{protocol::wire_error::rate_limited, std::move(frame.id),
                                      "too many messages; slow down (the message was not processed)"};
        chat_.record_error(e, session_.id, channel_name);
        out.frame = protocol::error_frame(e);
        break;
      }
      turn_request req;
      req.text = frame.text;
      req.id = std::move(frame.id);
      req.session = session_.id;
      req.channel = channel_name;
      req.form = reply_form::frame;
      req.explain = frame.explain;
      auto r = chat_.turn(req, session_.conv);
      if (r.status == turn_result::outcome::not_ready) {
        // Not reached: the upgrade needs a brain, and brains are never removed.
        out.frame = protocol::error_frame(
            {protocol::wire_error::bad_request, std::move(req.id), "rules and knowledge are not loaded yet"});
        break;
      }
      out.frame = std::move(r.frame);
      break;
    }
  }
  return out;
}

}  // namespace advisor::server
