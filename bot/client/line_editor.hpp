#pragma once
// A line_editor reads lines typed at a terminal, with editing (emacs keys,
// ~/.editrc) and history (Up/Down, Ctrl-R search), using libedit. History
// can be persisted to a file. libedit stays hidden behind this header.
//
// Before every read from the terminal the editor calls the input_wait
// function, which may run other work (the WebSocket) and returns false to
// abandon the current read_line (a signal, a closed connection).
//
// Thread safety: not thread safe; one editor per terminal. The process
// locale (LC_CTYPE) must be set before construction for UTF-8 input.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace advisor::client {

// Blocks until fd has input (true), or returns false to abandon reading.
using input_wait = std::function<bool(int fd)>;

class line_editor {
 public:
  enum class status {
    line,     // a line was entered (result.text, without the newline)
    eof,      // Ctrl-D on an empty line, or end of input
    aborted,  // input_wait returned false
  };
  struct result {
    status what = status::eof;
    std::string text;
  };

  // program names the editor for ~/.editrc; history_file may be empty (no
  // persistence). An unreadable history file is ignored.
  line_editor(const std::string& program, std::filesystem::path history_file, input_wait wait);
  ~line_editor();
  line_editor(const line_editor&) = delete;
  line_editor& operator=(const line_editor&) = delete;

  // Shows prompt and reads one line. Terminal escape sequences in prompt
  // must be enclosed in '\1' characters (so they count as zero width).
  result read_line(const std::string& prompt);

  // Appends line to the history (consecutive duplicates are kept once) and
  // saves the history file when there is one.
  void add_history(const std::string& line);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

// ~/.advisor_client_history, or empty when HOME is unset or empty.
std::filesystem::path default_history_file();

}  // namespace advisor::client
