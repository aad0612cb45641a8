#pragma once
// terminal describes where advisor-client's input comes from and its output
// goes, decided once at start-up: which streams are terminals, whether to
// use colors, and how wide the output may be.
//
// Thread safety: plain values; detect_terminal() reads the process state.

#include <cstddef>

namespace advisor::client {

struct terminal {
  bool stdin_tty = false;   // stdin is a terminal: interactive mode unless --script
  bool stdout_tty = false;  // stdout is a terminal: prompt echo, wrapping
  bool color_out = false;   // colors on stdout
  bool color_err = false;   // colors on stderr
  std::size_t width = 80;   // output width in columns
};

// Width when stdout is not a terminal and COLUMNS is unset or invalid.
inline constexpr std::size_t default_width = 80;

// Colors require the stream to be a terminal, NO_COLOR to be unset (even
// empty counts as set) and no --no-color. The width is the terminal's when
// stdout is one, else COLUMNS when it holds a number 20..1000, else 80.
terminal detect_terminal(bool no_color_flag);

// The current width of the terminal on fd, or 0 when fd is not a terminal.
std::size_t terminal_columns(int fd);

}  // namespace advisor::client
