#pragma once
// A redis_process runs Debian's redis-server on a free 127.0.0.1 port with
// no persistence, in a temporary directory, for a test; stop() or the
// destructor ends it by PID. redis_command() speaks just enough RESP to ask
// it a question.

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/deploy/nginx_process.hpp"  // free_loopback_port, loopback_accepts

namespace advisor::test {

// Sends one inline command to 127.0.0.1:port and returns the reply's first
// line (e.g. ":1", "+PONG", "$-1" for nil) or a bulk string's text, or ""
// on any failure. Bounded by a 2 s socket timeout.
inline std::string redis_command(unsigned short port, const std::string& command) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  std::string line;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string out = command + "\r\n";
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size())) {
      auto read_line = [fd] {
        std::string l;
        char c;
        while (::recv(fd, &c, 1, 0) == 1 && c != '\n') l.push_back(c);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        return l;
      };
      line = read_line();
      // A bulk string ("$<len>" then the bytes): return the bytes.
      if (line.size() > 1 && line[0] == '$' && line != "$-1") line = read_line();
    }
  }
  ::close(fd);
  return line;
}

class redis_process {
 public:
  redis_process() {
    char tmpl[] = "/tmp/advisor-redis-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    // redis-server cannot report a port it chose (--port 0 turns TCP off), so
    // a free port is chosen and chosen again if it was taken by the time
    // redis bound it.
    for (int attempt = 1;; ++attempt) {
      port_ = free_loopback_port();
      try {
        start();
        break;
      } catch (const std::runtime_error&) {
        if (attempt == 5) throw;
      }
    }
  }
  redis_process(const redis_process&) = delete;
  redis_process& operator=(const redis_process&) = delete;
  ~redis_process() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // Starts redis-server on port() and waits (bounded) until it answers PING.
  void start() {
    if (pid_ > 0) return;
    const std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", dir_.c_str(), "--logfile",
             (dir_ / "redis.log").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // Ready when this redis-server answers: its working directory is ours
    // (another test's redis that took the port in between has its own).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!reply_contains(port_, "CONFIG GET dir", dir_.string())) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        throw std::runtime_error("redis-server exited at start");
      }
      if (std::chrono::steady_clock::now() > deadline) {
        stop();
        throw std::runtime_error("redis-server did not answer in 30 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Freezes redis-server (SIGSTOP): connections are still accepted by the
  // kernel, but nothing is answered, like a stalled server. resume() or
  // stop() ends that.
  void pause() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  void resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }

  // Stops redis-server (SIGKILL: no goodbye to clients, like a crash).
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  // Sends one inline command; true when the raw reply contains needle
  // (bounded by a 2 s socket timeout).
  static bool reply_contains(unsigned short port, const std::string& command, const std::string& needle) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    std::string in;
    bool found = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      const std::string out = command + "\r\n";
      if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size())) {
        char buf[1024];
        ssize_t n;
        while (!found && (n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
          in.append(buf, static_cast<std::size_t>(n));
          found = in.find(needle) != std::string::npos;
        }
      }
    }
    ::close(fd);
    return found;
  }

  std::filesystem::path dir_;
  unsigned short port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace advisor::test
