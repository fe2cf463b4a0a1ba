#include "service/http_server.h"

#include <atomic>
#include <deque>
#include <optional>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "service/access_log.h"

namespace warden::service {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

// One client connection: reads requests one after another (keep-alive) and
// writes each answer; every member is touched only on the strand.
class Connection : public Responder, public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const HttpLimits& limits, std::shared_ptr<const Handler> handler, Metrics& metrics,
             std::shared_ptr<std::atomic<uint32_t>> open_count)
      : stream_(std::move(socket)), limits_(limits), handler_(std::move(handler)), metrics_(metrics),
        open_count_(std::move(open_count)) {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? std::string("?") : fmt::format("{}:{}", remote.address().to_string(), remote.port());
  }

  ~Connection() override { open_count_->fetch_sub(1); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readRequest(); });
  }

  // Responder: each call hops onto the strand.
  void send(HttpResponse response) override {
    net::post(stream_.get_executor(), [self = shared_from_this(), response = std::move(response)]() mutable {
      self->writeWhole(std::move(response));
    });
  }
  void startStream(http::status status, std::string content_type) override {
    net::post(stream_.get_executor(), [self = shared_from_this(), status, content_type = std::move(content_type)] {
      if (self->answered_) return;
      self->answered_ = true;
      self->status_ = unsigned(status);
      self->enqueue(fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\n"
                                "Cache-Control: no-store\r\n{}\r\n",
                                unsigned(status), std::string(http::obsolete_reason(status)), content_type,
                                self->keep_alive_ ? "" : "Connection: close\r\n"),
                    false);
    });
  }
  void streamChunk(std::string bytes) override {
    if (bytes.empty()) return;
    net::post(stream_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)] {
      self->enqueue(fmt::format("{:x}\r\n{}\r\n", bytes.size(), bytes), false);
    });
  }
  void endStream() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->enqueue("0\r\n\r\n", true); });
  }
  void logField(std::string key, nlohmann::json value) override {
    net::post(stream_.get_executor(), [self = shared_from_this(), key = std::move(key), value = std::move(value)] {
      self->log_fields_[key] = value;
    });
  }
  bool clientGone() const override { return gone_.load(); }

 private:
  void readRequest() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(limits_.max_header_bytes);
    stream_.expires_after(limits_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::eof)
      return close();
    started_ = std::chrono::steady_clock::now();
    log_fields_ = nlohmann::json::object();
    if (ec) {
      // The request could not be read: answer once, then close.
      HttpRequest bare;
      bare.version(11);
      bare.keep_alive(false);
      keep_alive_ = false;
      method_ = "?";
      target_ = "?";
      drain_before_close_ = true;
      if (ec == http::error::body_limit)
        return writeWhole(errorResponse(bare, {413, "body_too_large", fmt::format("the body is larger than {} bytes", limits_.max_body_bytes), "body"}));
      if (ec == http::error::header_limit)
        return writeWhole(errorResponse(bare, {431, "headers_too_large", "the request headers are too large", "headers"}));
      return writeWhole(errorResponse(bare, {400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message()), ""}));
    }
    stream_.expires_never();  // executions take as long as their limits allow
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    answered_ = false;
    (*handler_)(std::move(request), shared_from_this());
  }

  void writeWhole(HttpResponse response) {
    if (answered_ || gone_) return;
    answered_ = true;
    status_ = response.result_int();
    response.keep_alive(keep_alive_);
    auto message = std::make_shared<HttpResponse>(std::move(response));
    stream_.expires_after(limits_.write_timeout);
    http::async_write(stream_, *message, [self = shared_from_this(), message](beast::error_code ec, size_t bytes) {
      self->bytes_ = bytes;
      self->finishResponse(ec);
    });
  }

  // Streamed responses: raw bytes written in order.
  void enqueue(std::string bytes, bool last) {
    if (gone_) return;
    bytes_ += bytes.size();
    pending_.push_back(std::move(bytes));
    last_queued_ = last_queued_ || last;
    if (!writing_) writeNext();
  }
  void writeNext() {
    if (pending_.empty()) {
      writing_ = false;
      if (last_queued_) {
        last_queued_ = false;
        finishResponse({});
      }
      return;
    }
    writing_ = true;
    stream_.expires_after(limits_.write_timeout);
    net::async_write(stream_, net::buffer(pending_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->pending_.pop_front();
      if (ec) {
        self->pending_.clear();
        self->writing_ = false;
        self->finishResponse(ec);
        return;
      }
      self->writeNext();
    });
  }

  void finishResponse(beast::error_code ec) {
    metrics_.recordHttp(status_);
    nlohmann::json entry = {{"event", "http"}, {"remote", remote_}, {"method", method_}, {"target", target_},
                            {"status", status_}, {"bytes", bytes_},
                            {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count()}};
    entry.update(log_fields_);
    if (ec) entry["write_error"] = ec.message();
    writeLog(std::move(entry));
    bytes_ = 0;
    if (ec) return close();
    if (drain_before_close_) return drainAndClose();
    if (!keep_alive_) return close();
    readRequest();
  }

  // After refusing a request whose body is still arriving (413), stop
  // sending and read and discard what the client still sends, for at most
  // read_timeout: closing at once would reset the connection and most
  // clients would report a broken pipe instead of the answer.
  void drainAndClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(limits_.read_timeout);
    drain_buffer_.resize(64 << 10);
    drainSome();
  }
  void drainSome() {
    stream_.async_read_some(net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->drainSome();
    });
  }

  void close() {
    if (gone_.exchange(true)) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  const HttpLimits limits_;
  const std::shared_ptr<const Handler> handler_;
  Metrics& metrics_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_, method_, target_;
  bool keep_alive_ = true;
  bool answered_ = false;
  unsigned status_ = 0;
  uint64_t bytes_ = 0;
  nlohmann::json log_fields_ = nlohmann::json::object();
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::deque<std::string> pending_;
  bool writing_ = false;
  bool last_queued_ = false;
  std::atomic<bool> gone_{false};
  std::shared_ptr<std::atomic<uint32_t>> open_count_;  // the server's count of open connections
  bool drain_before_close_ = false;
  std::vector<char> drain_buffer_;
};

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(net::io_context& context, HttpLimits l, Handler h, Metrics& m)
      : io(context), acceptor(net::make_strand(context)), limits(l),
        handler(std::make_shared<const Handler>(std::move(h))), metrics(m) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec && self->open->fetch_add(1) >= self->limits.max_connections) {
        // Too many open connections (each holds a descriptor): refuse this
        // one at once rather than let descriptors run out for everyone.
        self->open->fetch_sub(1);
        self->metrics.recordRejected("connections");
        socket.close(ec);
      } else if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Connection>(std::move(socket), self->limits, self->handler, self->metrics, self->open)->start();
      }
      self->accept();
    });
  }

  net::io_context& io;
  tcp::acceptor acceptor;
  HttpLimits limits;
  std::shared_ptr<const Handler> handler;
  Metrics& metrics;
  std::shared_ptr<std::atomic<uint32_t>> open = std::make_shared<std::atomic<uint32_t>>(0);
};

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::listen(net::io_context& io, const std::string& host,
                                                                           uint16_t port, HttpLimits limits,
                                                                           Handler handler, Metrics& metrics) {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return std::unexpected(fmt::format("\"{}\" is not an IP address", host));
  auto state = std::make_shared<State>(io, limits, std::move(handler), metrics);
  tcp::endpoint endpoint(address, port);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::~HttpServer() { stop(); }

uint32_t HttpServer::openConnections() const { return state_->open->load(); }

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

std::string HttpServer::host() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).address().to_string();
}

void HttpServer::start() {
  net::dispatch(state_->acceptor.get_executor(), [state = state_] { state->accept(); });
}

void HttpServer::stop() {
  net::post(state_->acceptor.get_executor(), [state = state_] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
}

}  // namespace warden::service
