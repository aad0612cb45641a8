#pragma once
// A channel is one team-chat platform's webhook adapter (Slack, Mattermost,
// Teams, Discord) on POST /hooks/<name>. Every adapter handles a request in
// the same order: verify authenticity on the raw body (401 when it fails),
// check the content type (415), parse (400), ask the brain in the
// conversation of that platform/team/channel/user, render the reply in the
// platform's format. Oversized bodies never reach an adapter (the HTTP
// session answers 413).
//
// channel_base holds what the adapters share: the chat service (which
// answers in the conversation and applies the limits), the logger and the
// rejection counters.
//
// Thread safety: handle() is called concurrently from the server's I/O
// threads; adapters keep only immutable configuration and thread-safe state.
// Lifetime: a channel borrows the services it is given, which must outlive
// it (the server owns them and the route table that owns the channel).

#include <optional>
#include <string>
#include <string_view>

#include "bot/channels/request_verifiers.hpp"
#include "bot/chat/chat_service.hpp"
#include "bot/engine/reply.hpp"
#include "bot/http/router.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/metrics.hpp"

namespace advisor::channels {

namespace http = server::http;
using server::route_request;
using server::route_response;

// Identifies one conversation on a platform; a follow-up in the same
// channel by the same user continues its context.
struct conversation_key {
  std::string_view platform;
  std::string_view team;
  std::string_view channel;
  std::string_view user;

  // "platform/team/channel/user" ('/' and '%' inside parts percent-encoded).
  std::string to_string() const;
};

// What every adapter is given.
struct channel_services {
  server::chat_service& chat;
  server::logger& log;
  server::counter_family& rejected;  // refused requests by {channel, reason}
};

class channel {
 public:
  virtual ~channel() = default;
  // The route's last path segment ("slack").
  virtual std::string_view name() const = 0;
  // Answers one request to the channel's route. Never throws for any input.
  virtual route_response handle(const route_request& r) = 0;
};

class channel_base : public channel {
 public:
  std::string_view name() const override { return name_; }

 protected:
  channel_base(const channel_services& services, std::string name);

  // The outcome of ask(): a reply, or an HTTP error to send as is.
  struct answer {
    std::optional<advisor::reply> reply;
    std::optional<route_response> error;
  };

  // Answers text (untrimmed user text) in key's conversation through the
  // chat service (platform text rules: see text_source::platform). Errors:
  // 503 not_ready when no brain is loaded.
  answer ask(const conversation_key& key, std::string_view text);

  // A 401 unauthorized error, counted by reason.
  route_response unauthorized(verdict why);
  // Any other rejection (415, 400, ...), counted by code.
  route_response reject(http::status status, std::string_view code, std::string_view message);

  // JSON response helper.
  static route_response json(std::string body);

  // For a route that takes only JSON: the 415 answer to send when the
  // Content-Type is not application/json, else nothing (the body is parsed
  // by the platform's payload parser, payloads.hpp).
  std::optional<route_response> require_json(const route_request& r);

  server::chat_service& chat_;
  server::logger& log_;

 private:
  std::string name_;
  server::counter_family& rejected_;
};

// Header value by name (case-insensitive), "" when absent.
std::string_view header(const route_request& r, std::string_view name);

// True when the Content-Type's media type is `type` (parameters ignored,
// case-insensitive).
bool has_media_type(const route_request& r, std::string_view type);

}  // namespace advisor::channels
