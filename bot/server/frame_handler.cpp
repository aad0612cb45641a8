#include "bot/server/frame_handler.hpp"

#include "bot/protocol/client_frame.hpp"
#include "bot/protocol/server_frame.hpp"
#include "bot/server/chat_turn.hpp"
#include "bot/server/session_id.hpp"

namespace advisor::server {

frame_handler::frame_handler(server_context& ctx, std::shared_ptr<const brain> b, std::string_view requested_id,
                             clock::time_point now)
    : ctx_(ctx),
      brain_(std::move(b)),
      bucket_(ctx.options.msg_rate, ctx.options.msg_burst, now),
      abuse_(ctx.options.msg_rate * ctx.options.abuse_factor, ctx.options.abuse_window, now) {
  if (plausible_session_id(requested_id)) {
    if (auto conv = ctx_.sessions->load(requested_id)) {
      session_id_ = std::string(requested_id);
      conv_ = *conv;
      resumed_ = true;
    }
  }
  if (!resumed_) {
    session_id_ = new_session_id();
    ctx_.sessions->save(session_id_, conv_);
  }
}

std::string frame_handler::welcome() const { return protocol::welcome_frame(session_id_, brain_->welcome()); }

frame_handler::result frame_handler::handle(std::string_view text, clock::time_point now) {
  result out;
  ctx_.metrics.messages_total().inc();
  out.abusive = abuse_.record(now);
  auto parsed = protocol::parse_client_frame(text, ctx_.limits);
  if (auto* err = std::get_if<protocol::frame_error>(&parsed)) {
    out.frame = error_turn(ctx_, *err, session_id_, "ws");
    return out;
  }
  auto& frame = std::get<protocol::client_frame>(parsed);
  switch (frame.type) {
    case protocol::frame_type::ping:
      out.frame = protocol::pong_frame(frame.id);
      break;
    case protocol::frame_type::reset:
      conv_.reset();
      ctx_.sessions->save(session_id_, conv_);
      out.frame = protocol::reset_ok_frame(frame.id);
      break;
    case protocol::frame_type::message:
      if (!bucket_.try_take(now)) {
        out.frame = error_turn(ctx_,
                               {protocol::wire_error::rate_limited, std::move(frame.id),
                                "too many messages; slow down (the message was not processed)"},
                               session_id_, "ws");
        break;
      }
      {
        // The brain current now: a reload applies to open connections from
        // their next message on, with the conversation's context kept.
        const auto b = ctx_.current_brain();
        out.frame = answer_turn(ctx_, b ? *b : *brain_, conv_, frame.text, frame.id, session_id_, "ws");
      }
      ctx_.sessions->save(session_id_, conv_);
      break;
  }
  return out;
}

}  // namespace advisor::server
