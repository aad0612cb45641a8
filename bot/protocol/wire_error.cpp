#include "bot/protocol/wire_error.hpp"

namespace advisor::protocol {

std::string_view to_string(wire_error e) {
  switch (e) {
    case wire_error::bad_json:
      return "bad_json";
    case wire_error::bad_request:
      return "bad_request";
    case wire_error::too_long:
      return "too_long";
    case wire_error::unknown_type:
      return "unknown_type";
    case wire_error::rate_limited:
      return "rate_limited";
  }
  return "bad_request";
}

}  // namespace advisor::protocol
