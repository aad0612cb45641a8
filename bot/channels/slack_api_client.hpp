#pragma once
// A slack_api_client posts messages with the Slack Web API's chat.postMessage
// (<base URL>/chat.postMessage, "Authorization: Bearer <bot token>", a JSON
// body) without blocking the caller: the Events API wants its 200 within
// 3 s, so the webhook acknowledges first and the answer travels here.
//
// It runs its own small I/O thread (one io_context) so that a slow Slack
// never holds a server thread. http:// and https:// base URLs are supported
// (https verifies the peer against the system's CA store, with SNI). Posts
// beyond max_in_flight are dropped and counted; each post has a deadline
// (the timeout given to the constructor). A post that fails (no
// connection, an HTTP error status, {"ok":false,"error":...}, no answer
// in time) is logged (slack_post_failed, with the reason) and counted
// "error"; it never holds up the webhook or any other request.
//
// Thread safety: post() may be called from any thread. The destructor stops
// the worker; posts still in flight are abandoned.

#include <atomic>
#include <boost/json/array.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "bot/net/net.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::channels {

class slack_api_client {
 public:
  // A chat.postMessage call.
  struct message {
    std::string channel;  // channel or DM id
    std::string text;     // plain-text fallback
    boost::json::array blocks;
    std::string thread_ts;  // reply in this thread when not empty
  };

  static constexpr std::size_t max_in_flight = 64;

  // base_url like "https://slack.com/api" or "http://127.0.0.1:9000/api".
  // timeout bounds each post from connect to the last byte of the answer.
  // results counts posts by result ("ok", "error", "dropped"). log and
  // results must outlive the client. valid() is false when base_url cannot
  // be used; post() then always fails.
  slack_api_client(std::string base_url, std::string bot_token, std::chrono::milliseconds timeout, server::logger& log,
                   server::counter_family& results);
  ~slack_api_client();
  slack_api_client(const slack_api_client&) = delete;
  slack_api_client& operator=(const slack_api_client&) = delete;

  bool valid() const { return valid_; }

  // Queues m; false (and counted "dropped") when too many posts are in flight.
  bool post(message m);

 private:
  struct state;
  void finish(bool ok, std::string_view why);

  bool valid_ = false;
  bool tls_ = false;
  std::string host_;
  std::string port_;
  std::string target_;  // path of chat.postMessage
  std::string token_;
  std::chrono::milliseconds timeout_;
  server::logger& log_;
  server::counter_family& results_;
  std::atomic<std::size_t> in_flight_{0};
  std::unique_ptr<state> state_;  // io_context, TLS context, work guard
  std::thread thread_;
};

}  // namespace advisor::channels
