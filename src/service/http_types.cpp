#include "service/http_types.h"

#include <boost/beast/http/field.hpp>

#include "service/result_json.h"

namespace warden::service {

HttpResponse textResponse(const HttpRequest& request, http::status status, std::string body, std::string content_type) {
  HttpResponse response{status, request.version()};
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

HttpResponse jsonResponse(const HttpRequest& request, http::status status, const nlohmann::json& body) {
  return textResponse(request, status, dumpJson(body) + "\n", "application/json");
}

HttpResponse errorResponse(const HttpRequest& request, const ApiError& error) {
  HttpResponse response = jsonResponse(request, http::status(error.http_status), error.toJson());
  if (error.retry_after_s > 0) response.set(http::field::retry_after, std::to_string(error.retry_after_s));
  if (!error.allow.empty()) response.set(http::field::allow, error.allow);
  if (error.http_status == 401) response.set(http::field::www_authenticate, "Bearer");
  return response;
}

}  // namespace warden::service
