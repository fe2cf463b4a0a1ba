// The HTTP vocabulary between the server (http_server.h) and the handlers:
// Beast's message types and the Responder a handler answers through.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "service/api_error.h"

namespace warden::service {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// How a handler answers one request, from any thread: either one `send`, or
// `startStream`, any number of `streamChunk`s and `endStream` (a chunked
// response). Calls after the client went away are dropped.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void send(HttpResponse response) = 0;
  virtual void startStream(http::status status, std::string content_type) = 0;
  virtual void streamChunk(std::string bytes) = 0;
  virtual void endStream() = 0;
  // Adds a field to this request's access-log line (e.g. the tenant).
  virtual void logField(std::string key, nlohmann::json value) = 0;
  virtual bool clientGone() const = 0;
};

using Handler = std::function<void(HttpRequest&& request, std::shared_ptr<Responder> responder)>;

// Responses with a JSON body (keep-alive follows the request).
HttpResponse jsonResponse(const HttpRequest& request, http::status status, const nlohmann::json& body);
HttpResponse errorResponse(const HttpRequest& request, const ApiError& error);
HttpResponse textResponse(const HttpRequest& request, http::status status, std::string body, std::string content_type);

}  // namespace warden::service
