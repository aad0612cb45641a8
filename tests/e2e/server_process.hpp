#pragma once
// A server_process runs the real advisor binary (ADVISOR_SERVER_BIN, by
// fork/exec; the child is killed if the test process dies) for an
// end-to-end test: it binds 127.0.0.1 on a free port, reads the port from the
// first stdout line (the "listening" JSON log line), keeps draining stdout
// and stderr (so the server never blocks on a full pipe) and stops the
// server by PID with SIGTERM. The destructor kills a server still running.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/binaries.hpp"

namespace advisor::test {

class server_process {
 public:
  // Starts the server with --port 0 --bind 127.0.0.1 plus args, and env
  // ("NAME=value" entries, e.g. secrets) added to this process's environment;
  // waits (up to 15 s) for the listening line. Throws when the server does
  // not come up.
  explicit server_process(const std::vector<std::string>& args = {}, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv_s = {server_binary(), "--port", "0", "--bind", "127.0.0.1", "--threads", "2"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> env_s = env;
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    envp.push_back(nullptr);

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // The child: die with the test process, even when it crashes.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(out[1], 1);
      dup2(err[1], 2);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    reader_ = std::thread([this, o = out[0], e = err[0]] { drain(o, e); });

    std::unique_lock lock(mu_);
    const bool got_line =
        cv_.wait_for(lock, std::chrono::seconds(15), [&] { return out_.find('\n') != std::string::npos || eof_; });
    if (!got_line || out_.find('\n') == std::string::npos) {
      lock.unlock();
      kill_now();
      throw std::runtime_error("server printed no listening line; stderr: " + err_);
    }
    first_line_ = out_.substr(0, out_.find('\n'));
    boost::json::error_code ec;
    const auto v = boost::json::parse(first_line_, ec);
    if (!ec && v.is_object() && v.as_object().contains("port")) {
      port_ = static_cast<unsigned short>(v.as_object().at("port").to_number<int>());
    }
    if (port_ == 0) {
      lock.unlock();
      kill_now();
      throw std::runtime_error("first stdout line has no port: " + first_line_);
    }
  }

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  ~server_process() { kill_now(); }

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& first_line() const { return first_line_; }

  // Sends SIGTERM and waits for the exit. Returns the exit status, or -1
  // when the process did not exit in time or died from a signal.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    return wait(timeout);
  }

  // Waits for the process to exit on its own (see stop() for the result).
  int wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (std::chrono::steady_clock::now() >= deadline) return -1;
      // Child exit has no file descriptor to wait on; poll waitpid.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = 0;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    join_reader();
    return exit_status_;
  }

  // Everything the server wrote to stdout so far.
  std::string output() const {
    std::lock_guard lock(mu_);
    return out_;
  }

  // Everything the server wrote to stderr so far.
  std::string error_output() const {
    std::lock_guard lock(mu_);
    return err_;
  }

  // Waits until stdout contains needle.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return out_.find(needle) != std::string::npos; });
  }

 private:
  void drain(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open = 2;
    char buf[8192];
    while (open > 0) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open;
          continue;
        }
        std::lock_guard lock(mu_);
        (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
        cv_.notify_all();
      }
    }
    std::lock_guard lock(mu_);
    eof_ = true;
    cv_.notify_all();
  }

  void kill_now() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
    }
    join_reader();
  }

  void join_reader() {
    if (reader_.joinable()) reader_.join();
  }

  pid_t pid_ = 0;
  unsigned short port_ = 0;
  int exit_status_ = -1;
  std::string first_line_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;
  std::string err_;
  bool eof_ = false;
};

}  // namespace advisor::test
