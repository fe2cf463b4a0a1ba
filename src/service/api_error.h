// The one shape of every 4xx/5xx answer:
//   {"error": {"code": "invalid_field", "message": "...", "field": "limits.fuel"}}
// `field` names the offending part of the request (a JSON path, a header or
// a URL part) and is omitted when no single field is at fault.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace warden::service {

struct ApiError {
  ApiError() = default;
  ApiError(unsigned status, std::string error_code, std::string text, std::string field_name = {})
      : http_status(status), code(std::move(error_code)), message(std::move(text)), field(std::move(field_name)) {}

  unsigned http_status = 400;
  std::string code;     // machine-readable: "invalid_field", "unauthorized", ...
  std::string message;  // one human sentence
  std::string field;    // e.g. "files[2].path"; empty when none
  unsigned retry_after_s = 0;  // sent as Retry-After when non-zero (429, 503)
  std::string allow;           // sent as Allow with a 405

  nlohmann::json toJson() const;
};

// 400 invalid_field naming `field`.
ApiError badField(std::string field, std::string message);

}  // namespace warden::service
