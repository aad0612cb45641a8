#include "bot/client/line_editor.hpp"

#include <histedit.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cwchar>

namespace advisor::client {
namespace {

// Entries kept in the history (and its file).
constexpr int history_size = 1000;

}  // namespace

class line_editor::impl {
 public:
  impl(const std::string& program, std::filesystem::path history_file, input_wait wait)
      : history_file_(std::move(history_file)), wait_(std::move(wait)) {
    history_ = history_init();
    HistEvent ev;
    history(history_, &ev, H_SETSIZE, history_size);
    history(history_, &ev, H_SETUNIQUE, 1);
    if (!history_file_.empty()) history(history_, &ev, H_LOAD, history_file_.c_str());

    el_ = el_init(program.c_str(), stdin, stdout, stderr);
    el_set(el_, EL_CLIENTDATA, this);
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_HIST, history, history_);
    el_set(el_, EL_PROMPT_ESC, &impl::prompt, '\1');
    el_set(el_, EL_GETCFN, &impl::get_char);
    el_set(el_, EL_BIND, "^R", "em-inc-search-prev", nullptr);
    el_source(el_, nullptr);  // ~/.editrc
  }

  ~impl() {
    el_end(el_);
    history_end(history_);
  }

  result read_line(const std::string& prompt) {
    prompt_ = prompt;
    aborted_ = false;
    std::mbstate_t fresh{};
    decode_state_ = fresh;
    int count = 0;
    const char* line = el_gets(el_, &count);
    if (aborted_) return {status::aborted, {}};
    if (line == nullptr || count <= 0) return {status::eof, {}};
    std::string text(line, static_cast<std::size_t>(count));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return {status::line, std::move(text)};
  }

  void add_history(const std::string& line) {
    HistEvent ev;
    history(history_, &ev, H_ENTER, line.c_str());
    if (!history_file_.empty()) history(history_, &ev, H_SAVE, history_file_.c_str());
  }

 private:
  static impl* self(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<impl*>(data);
  }

  static char* prompt(EditLine* el) { return self(el)->prompt_.data(); }

  // Reads one character: waits through input_wait, then decodes UTF-8 (per
  // the locale) byte by byte. Returns 1, 0 at end of input, -1 to abandon.
  static int get_char(EditLine* el, wchar_t* out) {
    impl* me = self(el);
    while (true) {
      if (!me->wait_(STDIN_FILENO)) {
        me->aborted_ = true;
        errno = EINTR;
        return -1;
      }
      char byte = 0;
      const ssize_t n = ::read(STDIN_FILENO, &byte, 1);
      if (n == 0) return 0;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return -1;
      }
      const std::size_t r = std::mbrtowc(out, &byte, 1, &me->decode_state_);
      if (r == static_cast<std::size_t>(-2)) continue;  // inside a multibyte character
      if (r == static_cast<std::size_t>(-1)) {          // invalid: drop the byte
        std::mbstate_t fresh{};
        me->decode_state_ = fresh;
        continue;
      }
      return 1;
    }
  }

  std::filesystem::path history_file_;
  input_wait wait_;
  History* history_ = nullptr;
  EditLine* el_ = nullptr;
  std::string prompt_;
  std::mbstate_t decode_state_{};
  bool aborted_ = false;
};

line_editor::line_editor(const std::string& program, std::filesystem::path history_file, input_wait wait)
    : impl_(std::make_unique<impl>(program, std::move(history_file), std::move(wait))) {}
line_editor::~line_editor() = default;
line_editor::result line_editor::read_line(const std::string& prompt) { return impl_->read_line(prompt); }
void line_editor::add_history(const std::string& line) { impl_->add_history(line); }

std::filesystem::path default_history_file() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::filesystem::path(home) / ".advisor_client_history";
}

}  // namespace advisor::client
