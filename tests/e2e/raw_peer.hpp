#pragma once
// A raw_peer is a plain TCP connection to 127.0.0.1 made with POSIX calls,
// for end-to-end tests that need what a WebSocket library hides: small
// socket buffers, a half-sent request, a peer that never reads or never
// answers a close frame. client_frame() and take_server_frame() speak just
// enough WebSocket (RFC 6455) for that. Every blocking call is bounded.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace advisor::test {

// One WebSocket frame from the server (servers do not mask).
struct ws_frame {
  std::uint8_t opcode = 0;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong
  std::string payload;
};

// A final client frame: masked, as clients must, with the all-zero key, so
// the payload goes out as is.
inline std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  const std::uint64_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  f.append(4, '\0');
  f.append(payload);
  return f;
}

// Takes one complete frame off the front of `in`; nullopt while incomplete.
inline std::optional<ws_frame> take_server_frame(std::string& in) {
  const auto byte = [&in](std::size_t i) { return static_cast<std::uint8_t>(in[i]); };
  if (in.size() < 2) return std::nullopt;
  std::uint64_t len = byte(1) & 0x7f;
  std::size_t at = 2;
  if (len == 126) {
    if (in.size() < 4) return std::nullopt;
    len = (std::uint64_t{byte(2)} << 8) | byte(3);
    at = 4;
  } else if (len == 127) {
    if (in.size() < 10) return std::nullopt;
    len = 0;
    for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | byte(2 + i);
    at = 10;
  }
  if ((byte(1) & 0x80) != 0) at += 4;  // a masked server frame is a protocol error; skip the key anyway
  if (in.size() < at + len) return std::nullopt;
  ws_frame f{static_cast<std::uint8_t>(byte(0) & 0x0f), in.substr(at, len)};
  in.erase(0, at + len);
  return f;
}

class raw_peer {
 public:
  // Connects to 127.0.0.1:port. A positive rcvbuf/sndbuf sets SO_RCVBUF/
  // SO_SNDBUF before connecting (the kernel then keeps them small: no
  // autotuning). Throws when the connection fails.
  explicit raw_peer(unsigned short port, int rcvbuf = 0, int sndbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (sndbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close();
      throw std::runtime_error("connect failed");
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  raw_peer(const raw_peer&) = delete;
  raw_peer& operator=(const raw_peer&) = delete;
  ~raw_peer() { close(); }

  int fd() const { return fd_; }

  // Closes the socket (the server then sees the end of the stream).
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Bytes received but not yet taken (see take_frame()).
  std::string& received() { return in_; }

  // Sends all of s within timeout; false when it could not.
  bool send_all(std::string_view s, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n > 0) {
        s.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_for(POLLOUT, deadline)) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  // Reads what has arrived, waiting at most `wait` for something; false at
  // the end of the stream (or a reset), with closed() then true.
  bool read_some(std::chrono::milliseconds wait) {
    if (!wait_for(POLLIN, std::chrono::steady_clock::now() + wait)) return !closed_;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    closed_ = true;
    return false;
  }

  // Reads (keeping what arrives) until the server ends the connection;
  // false when it is still open after timeout.
  bool wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline)
      read_some(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    return closed_;
  }

  bool closed() const { return closed_; }

  // Sends a WebSocket upgrade for target and reads the response head;
  // returns it ("" when none came within timeout). Bytes after the head
  // (the welcome) stay in received().
  std::string upgrade(const std::string& target = "/ws", std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const std::string req = "GET " + target +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (!send_all(req, timeout)) return {};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end = std::string::npos;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (!read_some(
              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())))
        break;
    }
    if (end == std::string::npos) return {};
    std::string head = in_.substr(0, end + 4);
    in_.erase(0, end + 4);
    return head;
  }

  // The next complete server frame, reading for at most timeout.
  std::optional<ws_frame> take_frame(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (auto f = take_server_frame(in_)) return f;
      if (closed_ || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      read_some(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    }
  }

 private:
  bool wait_for(short events, std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) > 0;
  }

  int fd_ = -1;
  std::string in_;
  bool closed_ = false;
};

}  // namespace advisor::test
