// The HTTP/1.1 server on Boost.Beast: accepts connections, reads each
// request within a deadline and under a body cap, hands it to the Handler,
// and writes whatever the handler answers (whole or chunked) back on the
// connection's strand. It runs on the io_context's threads only; handlers
// that do real work pass it to the worker pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "service/http_types.h"
#include "service/metrics.h"

namespace warden::service {

struct HttpLimits {
  uint64_t max_body_bytes = 16ull << 20;
  uint32_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{10'000};   // a whole request, or an idle keep-alive connection
  std::chrono::milliseconds write_timeout{30'000};  // each write to the client
  uint32_t max_connections = 1024;  // beyond it a new connection is closed at once
};

class HttpServer {
 public:
  // Binds and listens (port 0: the OS picks one); the error is a sentence.
  static std::expected<std::unique_ptr<HttpServer>, std::string> listen(boost::asio::io_context& io,
                                                                        const std::string& host, uint16_t port,
                                                                        HttpLimits limits, Handler handler,
                                                                        Metrics& metrics);
  ~HttpServer();

  uint16_t port() const;
  std::string host() const;
  void start();  // begins accepting
  void stop();   // stops accepting; open connections finish their request
  // Connections open now (answered or not; idle keep-alive ones included).
  uint32_t openConnections() const;

 private:
  struct State;
  explicit HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace warden::service
