// Typed reads of JSON object members that name the offending field on
// failure ("limits.fuel must be a non-negative integer"). Shared by the
// request parser and the config loader so both speak the same error shape.
#pragma once

#include <cstdint>
#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "service/api_error.h"

namespace warden::service {

template <typename T>
using Parsed = std::expected<T, ApiError>;

// "limits" + "fuel" → "limits.fuel"; "" + "code" → "code".
std::string fieldPath(std::string_view parent, std::string_view key);

// `value` must be an object with no keys outside `known`.
Parsed<void> checkObject(const nlohmann::json& value, std::string_view path,
                         std::initializer_list<std::string_view> known);

// Members that may be absent (nullopt) but, when present, must have the type.
Parsed<std::optional<std::string>> optionalString(const nlohmann::json& object, std::string_view parent,
                                                  std::string_view key);
Parsed<std::optional<uint64_t>> optionalUint(const nlohmann::json& object, std::string_view parent,
                                             std::string_view key, uint64_t min = 0,
                                             uint64_t max = UINT64_MAX);
Parsed<std::optional<bool>> optionalBool(const nlohmann::json& object, std::string_view parent,
                                         std::string_view key);

}  // namespace warden::service
