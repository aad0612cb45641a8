#pragma once
// The Microsoft Teams adapter on POST /hooks/teams (integrations.md, Teams
// outgoing webhooks):
//   - several outgoing webhooks share the endpoint, told apart by ?id= (an
//     entry with an empty id serves requests without ?id=); an unknown id or
//     a missing or wrong "Authorization: HMAC <base64>" -> 401; an empty
//     body -> 400 (before the signature, as Teams never sends one);
//   - content type other than JSON: 415; not a JSON object with a string
//     text: 400;
//   - the <at>Bot</at> mention and any other markup are stripped from text;
//   - Teams carries no timestamp: activities are deduplicated on their id
//     (a replay gets the first answer again, without a second turn);
//   - the reply is {"type":"message","text":<markdown>} (tables included).

#include <map>

#include "bot/channels/channel.hpp"
#include "bot/channels/payloads.hpp"
#include "bot/channels/recent_ids.hpp"

namespace advisor::channels {

class teams_channel final : public channel_base {
 public:
  static constexpr std::size_t dedupe_capacity = 2000;

  // verifiers: keyed by the ?id= value ("" for requests without one).
  teams_channel(const channel_services& services, std::map<std::string, teams_verifier, std::less<>> verifiers);

  route_response handle(const route_request& r) override;

 private:
  std::map<std::string, teams_verifier, std::less<>> verifiers_;
  recent_ids answered_{dedupe_capacity};  // activity id -> response body
};

}  // namespace advisor::channels
