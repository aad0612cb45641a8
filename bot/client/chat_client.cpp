#include "bot/client/chat_client.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <ostream>
#include <variant>

#include "bot/client/connection.hpp"
#include "bot/client/frame_renderer.hpp"
#include "bot/client/input_line.hpp"
#include "bot/client/line_editor.hpp"
#include "bot/client/server_message.hpp"

namespace advisor::client {
namespace {

namespace json = boost::json;

// Most characters of an invalid frame quoted in the protocol error message.
constexpr std::size_t max_quoted_frame = 200;

// The program name in messages and for ~/.editrc.
constexpr std::string_view program = "advisor-client";

// Reads lines from a descriptor without blocking the connection: before each
// read it lets the connection wait (answering pings, noticing a close).
class line_reader {
 public:
  explicit line_reader(int fd) : fd_(fd) {}

  // The next line (without its newline), or nullopt at the end of input or
  // when the wait ended otherwise (then *stopped holds why).
  std::optional<std::string> next(connection& conn, std::optional<connection_event>& stopped) {
    stopped.reset();
    while (true) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      if (eof_) {
        if (buffer_.empty()) return std::nullopt;
        return std::exchange(buffer_, {});
      }
      auto e = conn.wait_input(fd_);
      if (e.result != wait_result::input) {
        stopped = std::move(e);
        return std::nullopt;
      }
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

class chat_client {
 public:
  chat_client(const client_options& options, const terminal& term, std::ostream& out, std::ostream& err)
      : options_(options),
        term_(term),
        out_(out),
        err_(err),
        json_(options.json),
        why_(options.why),
        conn_(connection_options{options.timeout, !options.insecure}) {}

  exit_code run() {
    const bool interactive = options_.script.empty() && term_.stdin_tty;
    int script_fd = STDIN_FILENO;
    if (!options_.script.empty() && options_.script != "-") {
      script_fd = ::open(options_.script.c_str(), O_RDONLY | O_CLOEXEC);
      if (script_fd < 0) {
        err_ << program << ": cannot read script " << options_.script << ": " << std::strerror(errno) << "\n";
        return exit_code::usage;
      }
    }
    const exit_code code = interactive ? run_interactive() : run_script(script_fd);
    if (script_fd != STDIN_FILENO) ::close(script_fd);
    return code;
  }

 private:
  // --- the two modes ---

  exit_code run_script(int fd) {
    if (auto failed = connect()) return *failed;
    line_reader reader(fd);
    std::optional<connection_event> stopped;
    while (auto line = reader.next(conn_, stopped)) {
      const input_action a = parse_script_line(*line);
      if (a.what == input_action::kind::none) continue;
      if (a.what == input_action::kind::quit) break;
      if (term_.stdout_tty) out_ << paint_prompt() << (a.what == input_action::kind::reset ? "/reset" : a.text) << "\n";
      if (auto failed = ask(a)) return *failed;
    }
    if (stopped) return end_on(*stopped);
    conn_.close();
    return error_frames_ > 0 ? exit_code::error_frames : exit_code::ok;
  }

  exit_code run_interactive() {
    if (auto failed = connect()) return *failed;
    std::optional<connection_event> stopped;
    line_editor editor(std::string(program), default_history_file(), [this, &stopped](int fd) {
      auto e = conn_.wait_input(fd);
      if (e.result == wait_result::input) return true;
      stopped = std::move(e);
      return false;
    });
    while (true) {
      if (auto failed = show_queued_frames()) return *failed;
      out_.flush();
      stopped.reset();
      const auto r = editor.read_line(term_.color_out ? "\1\x1b[1;32m\1> \1\x1b[0m\1" : "> ");
      if (r.what == line_editor::status::aborted && stopped) {
        out_ << "\n";
        return end_on(*stopped);
      }
      if (r.what != line_editor::status::line) {  // Ctrl-D
        out_ << "\n";
        break;
      }
      const input_action a = parse_interactive_line(r.text, suggestions_);
      if (a.what != input_action::kind::none) editor.add_history(a.what == input_action::kind::send ? a.text : r.text);
      switch (a.what) {
        case input_action::kind::none:
          break;
        case input_action::kind::quit:
          conn_.close();
          return exit_code::ok;
        case input_action::kind::help:
          out_ << interactive_help() << "\n";
          break;
        case input_action::kind::toggle_json:
          json_ = !json_;
          note(json_ ? "Raw JSON output on (/json turns it off)." : "Raw JSON output off.");
          break;
        case input_action::kind::toggle_why:
          why_ = !why_;
          note(why_ ? "Explanations on: each answer says why it was given (/why turns them off)."
                    : "Explanations off.");
          break;
        case input_action::kind::invalid:
          note(a.text);
          break;
        case input_action::kind::send:
          if (a.suggestion > 0) note("asking: " + a.text);  // picked by number: show what is asked
          [[fallthrough]];
        case input_action::kind::reset:
          if (auto failed = ask(a)) return *failed;
          break;
      }
    }
    conn_.close();
    return exit_code::ok;
  }

  // --- connection steps ---

  // Connects and prints the welcome; an exit code when that fails.
  std::optional<exit_code> connect() {
    const std::string why = conn_.connect(options_.endpoint);
    if (!why.empty()) {
      if (conn_.interrupted()) return interrupted();
      err_ << program << ": cannot connect to " << options_.endpoint.text << ": " << why << "\n";
      return exit_code::connect_failed;
    }
    const auto e = conn_.next_frame(options_.timeout);
    if (e.result != wait_result::frame) {
      return end_on(e, "waiting for the welcome from " + options_.endpoint.text);
    }
    std::string error;
    const auto m = parse_server_message(e.frame, error);
    if (!m) return protocol_error(error, e.frame);
    const auto* welcome = std::get_if<welcome_message>(&*m);
    if (welcome == nullptr) return protocol_error("the first frame is not a welcome", e.frame);
    if (term_.stdin_tty && options_.script.empty()) {
      note("Connected to " + options_.endpoint.text + " (session " + welcome->session + ").");
      note("Type a question, a suggestion's number, or /help. Ctrl-D quits.");
      out_ << "\n";
    }
    if (!options_.session.empty() && welcome->session != options_.session) {
      err_ << program << ": session " << options_.session << " is unknown or expired; the server started session "
           << welcome->session << "\n";
    }
    show(*m, e.frame);
    return std::nullopt;
  }

  // Sends one message or reset and shows frames until its answer (a reply,
  // error or reset_ok echoing its id); an exit code when that fails.
  std::optional<exit_code> ask(const input_action& a) {
    std::string id = "c";
    id += std::to_string(++last_id_);
    json::object frame;
    frame["type"] = a.what == input_action::kind::reset ? "reset" : "message";
    frame["id"] = id;
    if (a.what == input_action::kind::send) {
      frame["text"] = a.text;
      if (why_) frame["explain"] = true;  // protocol 1.1: the reply carries `why`
    }
    std::string error;
    if (!conn_.send(json::serialize(frame), error)) {
      if (conn_.interrupted()) return interrupted();
      // The read side usually knows more (a close code and reason).
      const auto e = conn_.next_frame(std::chrono::milliseconds(0));
      if (e.result == wait_result::closed || e.result == wait_result::failed) return end_on(e);
      err_ << program << ": cannot send: " << error << "\n";
      return exit_code::protocol_error;
    }
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      const auto e = conn_.next_frame(std::max(left, std::chrono::milliseconds(0)));
      if (e.result != wait_result::frame) {
        std::string doing = "waiting for the answer to ";
        if (a.what == input_action::kind::reset) {
          doing += "/reset";
        } else {
          doing.append("\"").append(a.text).append("\"");
        }
        return end_on(e, doing);
      }
      std::string why;
      const auto m = parse_server_message(e.frame, why);
      if (!m) return protocol_error(why, e.frame);
      show(*m, e.frame);
      const auto reply_to = reply_to_of(*m);
      const bool answer = std::holds_alternative<reply_message>(*m) || std::holds_alternative<error_message>(*m) ||
                          std::holds_alternative<reset_ok_message>(*m);
      if (answer && (reply_to == id || (!reply_to && std::holds_alternative<error_message>(*m)))) {
        return std::nullopt;
      }
    }
  }

  // Shows frames that arrived while the prompt was up.
  std::optional<exit_code> show_queued_frames() {
    while (true) {
      const auto e = conn_.next_frame(std::chrono::milliseconds(0));
      if (e.result == wait_result::timeout) return std::nullopt;
      if (e.result != wait_result::frame) return end_on(e);
      std::string why;
      const auto m = parse_server_message(e.frame, why);
      if (!m) return protocol_error(why, e.frame);
      show(*m, e.frame);
    }
  }

  // --- output ---

  render_style style() const {
    render_style s;
    s.color = term_.color_out;
    s.wrap_text = term_.stdout_tty;
    s.width = term_.width;
    if (term_.stdout_tty) {
      if (const std::size_t cols = terminal_columns(STDOUT_FILENO); cols > 0) s.width = cols;
    }
    return s;
  }

  // Prints one valid frame: raw in JSON mode, else rendered; errors go to
  // stderr. Remembers the suggestions last shown and counts error frames.
  void show(const server_message& m, const std::string& raw) {
    if (std::holds_alternative<error_message>(m)) ++error_frames_;
    const auto* welcome = std::get_if<welcome_message>(&m);
    const auto* reply = std::get_if<reply_message>(&m);
    const auto& suggestions = welcome ? welcome->suggestions : reply ? reply->suggestions : suggestions_;
    if (!suggestions.empty()) suggestions_ = suggestions;
    if (json_) {
      if (std::holds_alternative<pong_message>(m)) return;
      if (raw.find_first_of("\r\n") == std::string::npos) {
        out_ << raw << "\n";
      } else {
        out_ << json::serialize(json::parse(raw)) << "\n";
      }
      out_.flush();
      return;
    }
    const render_style s = style();
    if (welcome) out_ << render_welcome(*welcome, s);
    if (reply) out_ << render_reply(*reply, s);
    if (std::holds_alternative<reset_ok_message>(m)) out_ << render_reset_ok(s);
    if (const auto* error = std::get_if<error_message>(&m)) {
      out_.flush();
      render_style es = s;
      es.color = term_.color_err;
      err_ << render_error(*error, es);
      err_.flush();
    }
    out_.flush();
  }

  // A line from the client itself on stdout (dim on a terminal).
  void note(const std::string& text) {
    if (term_.color_out) {
      out_ << "\x1b[2m" << text << "\x1b[0m\n";
    } else {
      out_ << text << "\n";
    }
  }

  std::string paint_prompt() const { return term_.color_out ? "\x1b[1;32m> \x1b[0m" : "> "; }

  // --- endings ---

  exit_code interrupted() {
    conn_.close();
    if (options_.script.empty() && term_.stdin_tty) return exit_code::ok;
    err_ << program << ": interrupted\n";
    return exit_code::interrupted;
  }

  exit_code protocol_error(const std::string& why, const std::string& frame) {
    std::string quoted = frame.substr(0, max_quoted_frame);
    if (frame.size() > max_quoted_frame) quoted += "...";
    err_ << program << ": protocol error: " << why << ": " << quoted << "\n";
    conn_.close();
    return exit_code::protocol_error;
  }

  // The exit for a wait that ended without a frame; doing says what the
  // client was waiting for (for the timeout message).
  exit_code end_on(const connection_event& e, const std::string& doing = {}) {
    switch (e.result) {
      case wait_result::interrupted:
        return interrupted();
      case wait_result::timeout:
        err_ << program << ": timed out after " << format_seconds() << " " << doing << "\n";
        conn_.close();
        return exit_code::timeout;
      case wait_result::closed:
        err_ << program << ": the server closed the connection: " << describe_close(e.close_code, e.close_reason)
             << "\n";
        conn_.close();
        return exit_code::protocol_error;
      case wait_result::failed:
        err_ << program << ": " << e.detail << "\n";
        conn_.close();
        return exit_code::protocol_error;
      case wait_result::frame:
      case wait_result::input:
        break;
    }
    return exit_code::ok;
  }

  std::string format_seconds() const {
    const auto ms = options_.timeout.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
  }

  const client_options& options_;
  const terminal& term_;
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
  bool why_;  // send "explain": true with each message (--why, /why)
  connection conn_;
  std::vector<std::string> suggestions_;  // the suggestions last shown, for "N"
  unsigned last_id_ = 0;
  unsigned error_frames_ = 0;
};

}  // namespace

exit_code run_client(const client_options& options, const terminal& term, std::ostream& out, std::ostream& err) {
  chat_client client(options, term, out, err);
  return client.run();
}

}  // namespace advisor::client
