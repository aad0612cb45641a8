// advisor-client's interactive mode, driven through a pseudo-terminal as a
// person would use it: the prompt, an answer with numbered suggestions, a
// suggestion asked by its number, /json and /reset.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/binaries.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace fs = std::filesystem;

namespace {

// advisor-client running on the slave side of a pseudo-terminal (so stdin
// and stdout are a terminal: the interactive mode), with HOME in a private
// directory (its history file lands there). The destructor kills it.
class pty_client {
 public:
  explicit pty_client(const std::vector<std::string>& args) {
    char tmpl[] = "/tmp/advisor-pty-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    home_ = tmpl;
    // Built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> argv_s = {client_binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = {"HOME=" + home_.string(), "TERM=xterm", "NO_COLOR=1", "LANG=C.UTF-8"};
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view v(*e);
      if (!v.starts_with("HOME=") && !v.starts_with("TERM=") && !v.starts_with("LANG=")) env_s.emplace_back(v);
    }
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    winsize size{30, 100, 0, 0};
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }
  pty_client(const pty_client&) = delete;
  pty_client& operator=(const pty_client&) = delete;
  ~pty_client() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    ::close(master_);
    std::error_code ec;
    fs::remove_all(home_, ec);
  }

  // Types s as keystrokes.
  void type(const std::string& s) { REQUIRE(::write(master_, s.data(), s.size()) == static_cast<ssize_t>(s.size())); }

  // Reads until needle appears after everything expect() matched before;
  // the terminal output from there on when found, "" when not in time.
  std::string expect(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (const auto at = out_.find(needle, seen_); at != std::string::npos) {
        const std::string rest = out_.substr(at);
        seen_ = at + needle.size();
        return rest;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return {};
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) return {};  // the client exited (EIO on the master)
      out_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // The line at the start of text (up to CR or LF).
  static std::string first_line(const std::string& text) { return text.substr(0, text.find_first_of("\r\n")); }

  // Waits for the exit; its status, or -1 (killed, or not in time).
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() >= deadline) return -1;
      expect("\x01never\x01", std::chrono::milliseconds(20));  // keep draining the terminal
    }
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const std::string& output() const { return out_; }

 private:
  fs::path home_;
  pid_t pid_ = 0;
  int master_ = -1;
  std::string out_;
  std::size_t seen_ = 0;
};

}  // namespace

TEST_CASE("advisor-client in a terminal: prompt, numbered suggestions, /json and /reset", "[e2e][client]") {
  server_process server;
  pty_client client({"--no-color", "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws"});
  // Waits for needle on the terminal; the output from there on.
  const auto see = [&client](const std::string& needle) {
    auto rest = client.expect(needle);
    INFO("waited in vain for \"" << needle << "\"; the terminal showed:\n" << client.output());
    REQUIRE(!rest.empty());
    return rest;
  };

  see("Type a question, a suggestion's number, or /help");
  see("> ");

  client.type("What does a TPM do?\r");
  see("A Technical Program Manager (TPM) coordinates");
  see("Suggestions:");
  const std::string suggestion = pty_client::first_line(see("1. ").substr(3));
  REQUIRE(!suggestion.empty());
  see("> ");

  // Its number asks that suggestion, and the answer comes.
  client.type("1\r");
  see("asking: " + suggestion);
  see("Source: ");
  see("> ");

  // Raw frames from here on, to see intents.
  client.type("/json\r");
  see("Raw JSON output on");
  client.type("What skills does a TPM need?\r");
  see(R"("intent":"skills")");
  see("> ");

  // After /reset, "what about PMs?" no longer follows up on skills: with no
  // topic it is answered as a question about the role itself.
  client.type("/reset\r");
  see(R"("type":"reset_ok")");
  see("> ");
  client.type("what about PMs?\r");
  const std::string frame = pty_client::first_line(see(R"({"type":"reply")"));
  INFO(frame);
  CHECK(frame.find(R"("intent":"skills")") == std::string::npos);
  CHECK(frame.find(R"("intent":"role_definition")") != std::string::npos);
  see("> ");

  client.type("/quit\r");
  REQUIRE(client.wait_exit(std::chrono::seconds(10)) == 0);
}
