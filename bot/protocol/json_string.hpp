#pragma once
// The one JSON string escaper, for the protocol layer: see
// bot/base/json_string.hpp.

#include "bot/base/json_string.hpp"

namespace advisor::protocol {

using advisor::append_json_string;

}  // namespace advisor::protocol
