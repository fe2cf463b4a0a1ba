// `warden run` and `warden validate`.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/host_io.h"
#include "cli/value_format.h"
#include "runtime/api.h"

namespace warden::cli {

namespace {

void printError(std::string_view text) { std::fputs(fmt::format("warden: {}\n", text).c_str(), stderr); }

// Prints "warden: <phase> error: <message>" (or "warden: trap: ..."), and
// returns the matching exit status.
int reportError(const Error& error) {
  if (error.phase() == ErrorPhase::Trap || error.phase() == ErrorPhase::Limit) {
    printError(fmt::format("trap: {}", error.message()));
    return kExitTrap;
  }
  if (error.phase() == ErrorPhase::Host) {
    printError(fmt::format("error: {}", error.detail().empty() ? error.message() : error.detail()));
    return kExitError;
  }
  printError(fmt::format("{} error: {}", phaseName(error.phase()), error.message()));
  return kExitError;
}

Expect<std::vector<Value>> parseArguments(const FuncType& type, const std::vector<std::string>& args) {
  if (args.size() != type.params.size())
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("expected {} argument(s) for {}, got {}",
                                                                          type.params.size(), funcTypeString(type), args.size())));
  std::vector<Value> values;
  for (size_t i = 0; i < args.size(); ++i) values.push_back(WARDEN_TRY(parseArgument(type.params[i], args[i])));
  return values;
}

Expect<FunctionInstance*> findEntry(const Instance& instance, const std::optional<std::string>& invoke_name) {
  std::string name = invoke_name.value_or("_start");
  std::optional<Extern> ext = getExport(instance, name);
  if (!ext) {
    std::string hint = invoke_name ? "" : " (use --invoke NAME)";
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("no export named \"{}\"{}", name, hint)));
  }
  if (ext->kind != ExternKind::Func || !ext->func)
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("export \"{}\" is a {}, not a function", name, externKindName(ext->kind))));
  return ext->func;
}

}  // namespace

int runCommand(const std::string& file, const std::optional<std::string>& invoke_name,
               const std::vector<std::string>& args) {
  Expect<std::vector<uint8_t>> bytes = readFileBytes(file);
  if (!bytes) return reportError(bytes.error());
  Engine engine;
  Expect<std::shared_ptr<const Module>> module = compileModule(engine, *bytes);
  if (!module) return reportError(module.error());
  Store store(engine);
  Linker linker;
  Expect<Instance*> instance = linker.instantiate(store, *module);
  if (!instance) return reportError(instance.error());
  Expect<FunctionInstance*> entry = findEntry(**instance, invoke_name);
  if (!entry) return reportError(entry.error());
  Expect<std::vector<Value>> values = parseArguments((*entry)->type, args);
  if (!values) return reportError(values.error());
  Expect<std::vector<Value>> results = invoke(store, **entry, *values);
  if (!results) return reportError(results.error());
  const std::vector<ValType>& types = (*entry)->type.results;
  for (size_t i = 0; i < results->size() && i < types.size(); ++i)
    std::puts(formatResult(types[i], (*results)[i]).c_str());
  return kExitOk;
}

int validateCommand(const std::string& file) {
  Expect<std::vector<uint8_t>> bytes = readFileBytes(file);
  if (!bytes) return reportError(bytes.error());
  Expect<void> valid = validateModule(*bytes);
  if (!valid) return reportError(valid.error());
  std::puts("valid");
  return kExitOk;
}

}  // namespace warden::cli
