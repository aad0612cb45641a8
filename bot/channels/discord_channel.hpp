#pragma once
// The Discord adapter on POST /hooks/discord, the application's
// interactions endpoint (integrations.md, Discord):
//   - X-Signature-Ed25519 over timestamp || body with the application's
//     public key; missing, malformed or wrong -> 401 (Discord sends bad
//     signatures on purpose to check this);
//   - content type other than JSON: 415; not an interaction object: 400;
//   - PING (type 1) -> {"type":1};
//   - APPLICATION_COMMAND (type 2): the question is the first string option
//     (searched through sub-commands); none -> the help reply; answered
//     {"type":4,"data":{"content":...,"allowed_mentions":{"parse":[]}}}
//     with content of at most 2,000 characters;
//   - other interaction types: 400.

#include "bot/channels/channel.hpp"

namespace advisor::channels {

class discord_channel final : public channel_base {
 public:
  discord_channel(const channel_services& services, discord_verifier verifier);

  route_response handle(const route_request& r) override;

 private:
  discord_verifier verifier_;
};

}  // namespace advisor::channels
