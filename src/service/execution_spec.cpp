#include "service/execution_spec.h"

#include <fmt/format.h>

#include "service/base64.h"
#include "service/work_files.h"

namespace warden::service {

namespace {

using nlohmann::json;

// A request limit: absent → the tenant's; above the tenant's → 422.
Parsed<uint64_t> boundedLimit(const json& object, std::string_view path, std::string_view key, uint64_t tenant_max,
                              uint64_t min) {
  auto value = optionalUint(object, path, key, min);
  if (!value) return std::unexpected(value.error());
  if (!*value) return tenant_max;
  if (**value > tenant_max)
    return std::unexpected(ApiError{422, "limit_exceeds_tenant", fmt::format("{} is above this tenant's maximum ({})",
                                                                             fieldPath(path, key), tenant_max),
                                    fieldPath(path, key)});
  return **value;
}

Parsed<std::vector<InputFile>> parseFiles(const json& body, const FileLimits& limits) {
  std::vector<InputFile> files;
  auto it = body.find("files");
  if (it == body.end()) return files;
  if (!it->is_array()) return std::unexpected(badField("files", "files must be an array of {path, content}"));
  if (it->size() > limits.max_count)
    return std::unexpected(ApiError{413, "too_many_files", fmt::format("at most {} files", limits.max_count), "files"});
  uint64_t total = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    std::string path = fmt::format("files[{}]", i);
    const json& entry = (*it)[i];
    if (auto ok = checkObject(entry, path, {"path", "content"}); !ok) return std::unexpected(ok.error());
    auto name = optionalString(entry, path, "path");
    if (!name) return std::unexpected(name.error());
    if (!*name) return std::unexpected(badField(path + ".path", path + ".path is required"));
    if (auto checked = checkRelativePath(**name); !checked)
      return std::unexpected(badField(path + ".path", fmt::format("{}.path {}", path, checked.error())));
    auto content = optionalString(entry, path, "content");
    if (!content) return std::unexpected(content.error());
    std::optional<std::string> bytes = base64Decode(content->value_or(""));
    if (!bytes) return std::unexpected(badField(path + ".content", path + ".content is not valid base64"));
    if (bytes->size() > limits.max_file_bytes)
      return std::unexpected(ApiError{413, "file_too_large", fmt::format("{} is larger than {} bytes", path, limits.max_file_bytes),
                                      path + ".content"});
    total += bytes->size();
    if (total > limits.max_total_bytes)
      return std::unexpected(ApiError{413, "files_too_large", fmt::format("files are larger than {} bytes together", limits.max_total_bytes),
                                      "files"});
    for (const InputFile& earlier : files)
      if (earlier.path == **name) return std::unexpected(badField(path + ".path", fmt::format("{}.path repeats \"{}\"", path, **name)));
    files.push_back({**name, std::move(*bytes)});
  }
  return files;
}

Parsed<std::vector<std::string>> parseArgs(const json& body) {
  std::vector<std::string> args;
  auto it = body.find("args");
  if (it == body.end()) return args;
  if (!it->is_array()) return std::unexpected(badField("args", "args must be an array of strings"));
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) return std::unexpected(badField(fmt::format("args[{}]", i), fmt::format("args[{}] must be a string", i)));
    args.push_back((*it)[i].get<std::string>());
  }
  return args;
}

// Room for the sockets work: an allow-list of destinations. Egress is off
// until it lands, so only an empty list is accepted.
Parsed<void> parseNetwork(const json& body) {
  auto it = body.find("network");
  if (it == body.end()) return {};
  if (auto ok = checkObject(*it, "network", {"allow"}); !ok) return ok;
  auto allow = it->find("allow");
  if (allow == it->end()) return {};
  if (!allow->is_array()) return std::unexpected(badField("network.allow", "network.allow must be an array"));
  if (!allow->empty())
    return std::unexpected(ApiError{422, "network_unavailable", "network egress is not available: network.allow must be empty",
                                    "network.allow"});
  return {};
}

}  // namespace

Parsed<json> parseJsonBody(const std::string& text, bool empty_is_object) {
  if (text.empty() && empty_is_object) return json::object();
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return std::unexpected(ApiError{400, "malformed_json", "the body is not valid JSON", "body"});
  if (!body.is_object()) return std::unexpected(ApiError{400, "invalid_field", "the body must be a JSON object", "body"});
  return body;
}

Parsed<sandbox::Limits> parseLimits(const json& body, std::string_view path, const SandboxLimits& tenant, bool allow_memory) {
  json empty = json::object();
  auto it = body.find(path);
  const json& object = it == body.end() ? empty : *it;
  auto ok = allow_memory
                ? checkObject(object, path, {"memory_bytes", "fuel", "timeout_ms", "output_bytes", "write_bytes", "max_threads"})
                : checkObject(object, path, {"fuel", "timeout_ms", "output_bytes", "write_bytes", "max_threads"});
  if (!ok) return std::unexpected(ok.error());
  sandbox::Limits limits;
  auto memory = boundedLimit(object, path, "memory_bytes", tenant.memory_bytes, 1 << 20);
  auto fuel = boundedLimit(object, path, "fuel", tenant.fuel, 1);
  auto timeout = boundedLimit(object, path, "timeout_ms", tenant.timeout_ms, 1);
  auto output = boundedLimit(object, path, "output_bytes", tenant.output_bytes, 0);
  auto write = boundedLimit(object, path, "write_bytes", tenant.write_bytes, 0);
  auto threads = boundedLimit(object, path, "max_threads", tenant.max_threads, 0);
  for (const auto* value : {&memory, &fuel, &timeout, &output, &write, &threads})
    if (!*value) return std::unexpected(value->error());
  limits.memory_bytes = *memory;
  limits.fuel = *fuel;
  limits.timeout = std::chrono::milliseconds(*timeout);
  limits.output_bytes = *output;
  limits.write_bytes = *write;
  limits.max_threads = uint32_t(*threads);
  return limits;
}

Parsed<std::vector<std::pair<std::string, std::string>>> parseEnv(const json& body) {
  std::vector<std::pair<std::string, std::string>> env;
  auto it = body.find("env");
  if (it == body.end()) return env;
  if (!it->is_object()) return std::unexpected(badField("env", "env must be an object of strings"));
  for (const auto& [name, value] : it->items()) {
    std::string path = fieldPath("env", name);
    if (name.empty() || name.find_first_of(std::string_view("=\0", 2)) != std::string::npos)
      return std::unexpected(badField(path, "an environment variable name must be non-empty without '=' or NUL"));
    if (!value.is_string()) return std::unexpected(badField(path, path + " must be a string"));
    env.emplace_back(name, value.get<std::string>());
  }
  return env;
}

Parsed<ExecutionSpec> parseExecutionSpec(const json& body, SpecKind kind, const TenantConfig& tenant,
                                         const FileLimits& file_limits) {
  bool session = kind == SpecKind::SessionExecution;
  auto ok = session ? checkObject(body, "", {"code", "stdin", "args", "files", "limits"})
                    : checkObject(body, "", {"language", "code", "stdin", "args", "env", "files", "limits", "network"});
  if (!ok) return std::unexpected(ok.error());
  ExecutionSpec spec;

  auto language = optionalString(body, "", "language");
  if (!language) return std::unexpected(language.error());
  if (*language && **language == "wasm") spec.language = Language::Wasm;
  else if (*language && **language != "python")
    return std::unexpected(badField("language", "language must be \"python\" or \"wasm\""));

  auto code = optionalString(body, "", "code");
  if (!code) return std::unexpected(code.error());
  if (!*code) return std::unexpected(badField("code", "code is required"));
  if (spec.language == Language::Wasm) {
    std::optional<std::string> module = base64Decode(**code);
    if (!module) return std::unexpected(badField("code", "code must be the wasm module in base64"));
    spec.code = std::move(*module);
  } else {
    spec.code = std::move(**code);
  }

  auto stdin_data = optionalString(body, "", "stdin");
  if (!stdin_data) return std::unexpected(stdin_data.error());
  spec.stdin_data = stdin_data->value_or("");

  auto args = parseArgs(body);
  if (!args) return std::unexpected(args.error());
  spec.args = std::move(*args);
  auto env = parseEnv(body);
  if (!env) return std::unexpected(env.error());
  spec.env = std::move(*env);
  auto files = parseFiles(body, file_limits);
  if (!files) return std::unexpected(files.error());
  spec.files = std::move(*files);
  auto limits = parseLimits(body, "limits", tenant.limits, !session);
  if (!limits) return std::unexpected(limits.error());
  spec.limits = *limits;
  if (auto network = parseNetwork(body); !network) return std::unexpected(network.error());
  return spec;
}

}  // namespace warden::service
