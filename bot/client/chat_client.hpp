#pragma once
// A chat_client runs one advisor-client session end to end: it connects,
// prints the welcome, then reads utterances (interactively through a
// line_editor, or one per line from a script) and for each one sends a
// frame, waits for its answer and prints it, until the input ends, the
// user quits, or something fails. run() returns the process exit code
// (exit_code.hpp); all output goes to the two streams given.
//
// Thread safety: not thread safe; one run per process at a time (the
// connection owns the SIGINT/SIGTERM handlers while it runs).

#include <iosfwd>

#include "bot/client/client_options.hpp"
#include "bot/client/exit_code.hpp"
#include "bot/client/terminal.hpp"

namespace advisor::client {

// Runs the client. Interactive when term.stdin_tty and no --script was
// given; otherwise a script run reading options.script (or stdin).
exit_code run_client(const client_options& options, const terminal& term, std::ostream& out, std::ostream& err);

}  // namespace advisor::client
