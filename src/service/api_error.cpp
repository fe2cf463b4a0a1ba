#include "service/api_error.h"

namespace warden::service {

nlohmann::json ApiError::toJson() const {
  nlohmann::json body = {{"code", code}, {"message", message}};
  if (!field.empty()) body["field"] = field;
  return {{"error", std::move(body)}};
}

ApiError badField(std::string field, std::string message) {
  return ApiError{400, "invalid_field", std::move(message), std::move(field)};
}

}  // namespace warden::service
