#pragma once
// The Slack adapter on POST /hooks/slack (integrations.md, Slack):
//   - every request is signed (slack_verifier, 5-minute replay window),
//     ssl_check and url_verification included: otherwise 401;
//   - application/x-www-form-urlencoded: slash commands (ssl_check=1 -> 200;
//     empty text -> help), answered in the response as an ephemeral message
//     with blocks;
//   - application/json: the Events API (url_verification -> {"challenge"};
//     event_callback with app_mention or a direct message -> 200 at once,
//     the answer posted with chat.postMessage by slack_api_client;
//     duplicates by event_id and messages from bots, or from the app's own
//     user, are acknowledged and ignored);
//   - any other content type: 415; malformed payloads: 400.
//
// Thread safety: see channel.

#include <memory>

#include "bot/channels/channel.hpp"
#include "bot/channels/payloads.hpp"
#include "bot/channels/recent_ids.hpp"
#include "bot/channels/slack_api_client.hpp"

namespace advisor::channels {

class slack_channel final : public channel_base {
 public:
  // Event ids remembered for deduplication.
  static constexpr std::size_t dedupe_capacity = 10000;

  // api may be null (no bot token): events are then acknowledged but not
  // answered (a warning is logged).
  slack_channel(const channel_services& services, slack_verifier verifier, std::unique_ptr<slack_api_client> api);

  route_response handle(const route_request& r) override;

 private:
  route_response slash_command(std::string_view body);
  route_response event(std::string_view body);

  slack_verifier verifier_;
  std::unique_ptr<slack_api_client> api_;
  recent_ids seen_events_{dedupe_capacity};
};

}  // namespace advisor::channels
