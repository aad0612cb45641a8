#pragma once
// The Mattermost adapter on POST (and GET) /hooks/mattermost
// (integrations.md, Mattermost):
//   - outgoing webhooks (form or JSON; the trigger word is stripped from
//     text), answered {"text":...,"response_type":"comment"|"post"};
//   - slash commands (form, or the query of a GET; Authorization: Token),
//     answered {"response_type":"ephemeral","text":...};
//   - the token is read with as little parsing as possible and checked
//     (constant time, every configured token) before anything else:
//     missing or wrong -> 401; an Authorization: Token header, when
//     present, must match too;
//   - content type other than form or JSON: 415; unreadable body or missing
//     channel_id/user_id: 400.
// Replies are markdown; comparisons are tables.

#include "bot/channels/channel.hpp"
#include "bot/channels/payloads.hpp"

namespace advisor::channels {

class mattermost_channel final : public channel_base {
 public:
  mattermost_channel(const channel_services& services, mattermost_verifier verifier);

  route_response handle(const route_request& r) override;

 private:
  mattermost_verifier verifier_;
};

}  // namespace advisor::channels
