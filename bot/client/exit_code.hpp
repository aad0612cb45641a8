#pragma once
// The process exit codes of advisor-client, one per way a run can end. They
// are part of the client's interface (scripts and tests check them) and are
// listed in client_usage().

namespace advisor::client {

enum class exit_code : int {
  ok = 0,              // every utterance answered (or the user quit)
  usage = 1,           // bad flags, bad URL or an unreadable --script file
  connect_failed = 2,  // cannot resolve/connect, TLS failure or WebSocket upgrade refused
  protocol_error = 3,  // a frame that is not protocol JSON, or the server closed/lost the connection
  timeout = 4,         // no welcome or no answer within --timeout
  error_frames = 5,    // script run completed, but at least one answer was an `error` frame
  interrupted = 130,   // script run stopped by SIGINT/SIGTERM (128 + SIGINT)
};

constexpr int to_int(exit_code c) { return static_cast<int>(c); }

}  // namespace advisor::client
