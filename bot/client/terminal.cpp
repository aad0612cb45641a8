#include "bot/client/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace advisor::client {

std::size_t terminal_columns(int fd) {
  winsize ws{};
  if (::isatty(fd) == 0 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

terminal detect_terminal(bool no_color_flag) {
  terminal t;
  t.stdin_tty = ::isatty(STDIN_FILENO) != 0;
  t.stdout_tty = ::isatty(STDOUT_FILENO) != 0;
  const bool colors_allowed = !no_color_flag && std::getenv("NO_COLOR") == nullptr;
  t.color_out = colors_allowed && t.stdout_tty;
  t.color_err = colors_allowed && ::isatty(STDERR_FILENO) != 0;
  if (const std::size_t cols = terminal_columns(STDOUT_FILENO); cols > 0) {
    t.width = cols;
  } else if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    const std::string_view s(env);
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && n >= 20 && n <= 1000) t.width = n;
  }
  return t;
}

}  // namespace advisor::client
