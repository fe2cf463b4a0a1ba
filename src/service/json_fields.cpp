#include "service/json_fields.h"

#include <algorithm>

#include <fmt/format.h>

namespace warden::service {

std::string fieldPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

Parsed<void> checkObject(const nlohmann::json& value, std::string_view path,
                         std::initializer_list<std::string_view> known) {
  if (!value.is_object())
    return std::unexpected(badField(std::string(path.empty() ? "body" : path),
                                    fmt::format("{} must be a JSON object", path.empty() ? "the body" : path)));
  for (const auto& [key, member] : value.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      return std::unexpected(badField(fieldPath(path, key), fmt::format("unknown field \"{}\"", fieldPath(path, key))));
  }
  return {};
}

Parsed<std::optional<std::string>> optionalString(const nlohmann::json& object, std::string_view parent,
                                                  std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<std::string>();
  std::string path = fieldPath(parent, key);
  if (!it->is_string()) return std::unexpected(badField(path, fmt::format("{} must be a string", path)));
  return std::optional<std::string>(it->get<std::string>());
}

Parsed<std::optional<uint64_t>> optionalUint(const nlohmann::json& object, std::string_view parent,
                                             std::string_view key, uint64_t min, uint64_t max) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<uint64_t>();
  std::string path = fieldPath(parent, key);
  if (!it->is_number_unsigned())
    return std::unexpected(badField(path, fmt::format("{} must be a non-negative integer", path)));
  uint64_t value = it->get<uint64_t>();
  if (value < min || value > max)
    return std::unexpected(badField(path, fmt::format("{} must be between {} and {}", path, min, max)));
  return std::optional<uint64_t>(value);
}

Parsed<std::optional<bool>> optionalBool(const nlohmann::json& object, std::string_view parent,
                                         std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<bool>();
  std::string path = fieldPath(parent, key);
  if (!it->is_boolean()) return std::unexpected(badField(path, fmt::format("{} must be true or false", path)));
  return std::optional<bool>(it->get<bool>());
}

}  // namespace warden::service
