#pragma once
// Session ids: opaque, unguessable names for conversations.

#include <string>
#include <string_view>

namespace advisor::server {

// A new id: 128 bits from OpenSSL's RAND_bytes, base64url without padding
// (22 characters of [A-Za-z0-9_-]).
std::string new_session_id();

// Whether s could be an id the server issued or a store accepts: 1..128
// characters of [A-Za-z0-9_-]. Anything else is treated as unknown without
// asking the store.
bool plausible_session_id(std::string_view s);

}  // namespace advisor::server
