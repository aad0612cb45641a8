#pragma once
// The chat_service is the one place where a chat turn happens, whatever the
// transport: the WebSocket frame handler, the HTTP API (POST /api/v1/chat)
// and every team-chat webhook call turn(). A turn takes the brain current at
// that moment (a reload applies to the next message of every conversation),
// loads the conversation when the caller does not hold it, applies the text
// rules of its source, asks the engine, counts and logs the turn, and saves
// the conversation.
//
//   chat_service chat(limits, sessions, metrics, log, brain);
//   auto r = chat.turn({.text = "what is a TPM?", .session = id, .channel = "http"});
//
// Thread safety: every member may be called from any thread at once; a
// conversation passed by reference belongs to the caller. The brain is
// swapped atomically (set_brain, see rules_reloader).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "bot/engine/brain.hpp"
#include "bot/engine/conversation.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/server_metrics.hpp"
#include "bot/protocol/client_frame.hpp"
#include "bot/protocol/wire_error.hpp"
#include "bot/sessions/session_store.hpp"

namespace advisor::server {

// Where a turn's text comes from, which decides how it is checked.
enum class text_source {
  protocol,  // already validated and trimmed by the protocol parser (WebSocket, HTTP API)
  platform,  // raw text from a team-chat platform: trimmed here; empty asks for help; over the
             // limit gets a short reply instead of an error (platforms show problems as messages)
};

// What the caller wants back besides the engine's reply.
enum class reply_form {
  value,               // the reply only (team-chat channels render it themselves)
  frame,               // also the protocol reply frame (WebSocket)
  frame_with_session,  // also the reply frame carrying "session" (HTTP API)
};

struct turn_request {
  std::string_view text;
  protocol::reply_to id;     // echoed in the reply frame
  std::string_view session;  // the conversation's id or key (logs, store)
  std::string_view channel;  // "ws", "http", "slack", ... (logs)
  text_source source = text_source::protocol;
  reply_form form = reply_form::value;
  bool explain = false;  // ask for the reasons (protocol 1.1 `why`); the engine takes it up
};

struct turn_result {
  enum class outcome { answered, not_ready };
  outcome status = outcome::answered;
  advisor::reply reply;
  std::string frame;  // the serialised reply with form frame/frame_with_session
};

// A conversation opened for a long-lived caller (a WebSocket connection).
struct open_session {
  std::string id;
  conversation conv;
  bool resumed = false;  // true when the requested id was found in the store
};

class chat_service {
 public:
  // b may be null (not ready: turns answer not_ready until set_brain()).
  chat_service(protocol::text_limits limits, session_store& sessions, server_metrics& metrics, logger& log,
               std::shared_ptr<const brain> b);
  chat_service(const chat_service&) = delete;
  chat_service& operator=(const chat_service&) = delete;

  std::shared_ptr<const brain> current_brain() const { return brain_.load(std::memory_order_acquire); }
  void set_brain(std::shared_ptr<const brain> b) { brain_.store(std::move(b), std::memory_order_release); }
  bool ready() const { return current_brain() != nullptr; }
  const protocol::text_limits& limits() const { return limits_; }

  // Resumes the conversation stored under requested_id when the store knows
  // it, else starts a new one with a fresh id (saved at once when save_new,
  // so it can be resumed before its first message).
  open_session open(std::string_view requested_id, bool save_new);

  // One turn in a conversation the caller holds; conv is updated and saved
  // under req.session.
  turn_result turn(const turn_request& req, conversation& conv);
  // One turn in the conversation stored under req.session (a new one when
  // the store does not know it), saved afterwards.
  turn_result turn(const turn_request& req);

  // Counts one message received (a WebSocket data message, an HTTP API or
  // webhook request), answered or not.
  void count_message();
  // Counts and logs a protocol error sent back instead of a reply.
  void record_error(const protocol::frame_error& e, std::string_view session, std::string_view channel);
  // Counts an error outside the protocol's codes (HTTP: unsupported_media_type, ...).
  void count_error(std::string_view code);
  void count_error(protocol::wire_error code);
  // Saves conv under id (a WebSocket `reset`).
  void save(std::string_view id, const conversation& conv);

 private:
  // A turn in *held, or in the stored conversation when held is null.
  turn_result run(const turn_request& req, conversation* held);
  // Counts and logs one answered turn (user text only with --log-text).
  void record(const reply& r, std::chrono::steady_clock::duration elapsed, std::string_view text,
              const turn_request& req);

  const protocol::text_limits limits_;
  session_store& sessions_;
  server_metrics& metrics_;
  logger& log_;
  std::atomic<std::shared_ptr<const brain>> brain_;
};

}  // namespace advisor::server
