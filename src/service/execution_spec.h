// What a client asked to run: the body of POST /v1/executions (and of a
// session's executions), parsed and checked against the tenant's limits.
// Every problem is an ApiError naming its field.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/execution.h"
#include "service/json_fields.h"
#include "service/service_config.h"

namespace warden::service {

enum class Language { Python, Wasm };

struct InputFile {
  std::string path;     // relative, checked (work_files.h)
  std::string content;  // decoded bytes
};

struct ExecutionSpec {
  Language language = Language::Python;
  std::string code;  // Python source, or the decoded wasm module
  std::string stdin_data;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<InputFile> files;
  sandbox::Limits limits;  // the request's, or the tenant's where it set none
};

// Which parts a body may have: a session's executions take no language
// (always Python), no memory limit (fixed when the session opened) and no env.
enum class SpecKind { Execution, SessionExecution };

Parsed<ExecutionSpec> parseExecutionSpec(const nlohmann::json& body, SpecKind kind, const TenantConfig& tenant,
                                         const FileLimits& file_limits);

// The limits object alone (session creation uses it for memory_bytes).
Parsed<sandbox::Limits> parseLimits(const nlohmann::json& body, std::string_view path, const SandboxLimits& tenant,
                                    bool allow_memory);

// `env`: an object of string values, names without '=' or NUL.
Parsed<std::vector<std::pair<std::string, std::string>>> parseEnv(const nlohmann::json& body);

// Parses a body as JSON; an empty body is `{}` when `empty_is_object`.
Parsed<nlohmann::json> parseJsonBody(const std::string& text, bool empty_is_object = false);

}  // namespace warden::service
