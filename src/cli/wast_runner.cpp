#include "cli/wast_runner.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/host_io.h"
#include "cli/spectest_host.h"
#include "cli/wast_values.h"
#include "runtime/api.h"

namespace warden::cli {

namespace {

using nlohmann::json;

// --- JSON access that never throws -------------------------------------------

std::string_view stringField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

bool hasField(const json& object, const char* key) { return object.find(key) != object.end(); }

const json& arrayField(const json& object, const char* key) {
  static const json kEmpty = json::array();
  auto it = object.find(key);
  return (it != object.end() && it->is_array()) ? *it : kEmpty;
}

uint32_t lineOf(const json& command) {
  auto it = command.find("line");
  return (it != command.end() && it->is_number_unsigned()) ? it->get<uint32_t>() : 0;
}

// Parses a list of wast2json values ("args" or "expected").
Expect<std::vector<WastValue>> parseValues(const json& values) {
  std::vector<WastValue> out;
  for (const json& v : values) {
    std::string_view type = stringField(v, "type");
    if (type == "v128") {
      std::vector<std::string> lanes;
      for (const json& lane : arrayField(v, "value"))
        if (lane.is_string()) lanes.push_back(lane.get<std::string>());
      out.push_back(WARDEN_TRY(parseWastVector(stringField(v, "lane_type"), lanes)));
      continue;
    }
    std::string_view value = stringField(v, "value");
    out.push_back(WARDEN_TRY(parseWastValue(type, value)));
  }
  return out;
}

std::string describe(const Error& error) {
  bool host_side = error.phase() == ErrorPhase::Host && !error.detail().empty();
  std::string text = host_side ? error.detail() : fmt::format("{} error: {}", phaseName(error.phase()), error.message());
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// The reference interpreter sometimes appends detail to the spec wording
// ("uninitialized element 2"), so a matching spec message also passes.
bool trapMatches(const Error& error, std::string_view expected_text) {
  if (error.phase() != ErrorPhase::Trap) return false;
  if (error.message().find(expected_text) != std::string::npos) return true;
  return !error.specMessage().empty() && expected_text.starts_with(error.specMessage());
}

Error runnerError(std::string detail) { return Error(ErrorCode::InvalidArgument, std::move(detail)); }

struct ActionResult {
  std::vector<ValType> types;
  std::vector<Value> values;
};

// --- One script ---------------------------------------------------------------

// Executes the commands of one wast2json script against one Store.
class ScriptRunner {
 public:
  ScriptRunner(std::string name, std::string json_dir, ScriptObserver& observer, const WastOptions& options)
      : name_(std::move(name)),
        json_dir_(std::move(json_dir)),
        observer_(observer),
        lazy_(options.lazy),
        engine_(engineConfig(options)),
        store_(engine_) {}

  Expect<void> setUp() { return defineSpectest(store_, linker_); }

  void run(const json& command) {
    line_ = lineOf(command);
    type_ = std::string(stringField(command, "type"));
    observer_.progress(line_, counts_);
    dispatch(command);
  }

  const ScriptCounts& counts() const { return counts_; }

  void fail(std::string_view expected, std::string_view got) {
    ++counts_.failed;
    observer_.failure(fmt::format("{}:{}: {}: expected {}, got {}", name_, line_, type_, expected, got));
  }

 private:
  void dispatch(const json& c) {
    if (type_ == "module") return onModule(c);
    if (type_ == "register") return onRegister(c);
    if (type_ == "action") return onAction(c);
    if (type_ == "assert_return") return onAssertReturn(c);
    if (type_ == "assert_trap") return hasField(c, "action") ? onAssertTrap(c) : onAssertUninstantiable(c);
    if (type_ == "assert_exhaustion") return onAssertExhaustion(c);
    if (type_ == "assert_invalid" || type_ == "assert_malformed") return onAssertRejected(c);
    if (type_ == "assert_unlinkable") return onAssertUnlinkable(c);
    if (type_ == "assert_uninstantiable") return onAssertUninstantiable(c);
    skip();  // unknown command kinds (from newer proposals) are not failures of ours
  }

  void pass() { ++counts_.passed; }
  void skip() { ++counts_.skipped; }

  Expect<std::shared_ptr<const Module>> compileFile(std::string_view filename) {
    if (filename.empty()) return std::unexpected(runnerError("command has no module file"));
    std::string path = (std::filesystem::path(json_dir_) / filename).string();
    std::vector<uint8_t> bytes = WARDEN_TRY(readFileBytes(path));
    std::shared_ptr<const Module> eager = WARDEN_TRY(compileModule(engine_, bytes));
    if (!lazy_) return eager;
    return compileModuleLazily(engine_, bytes);
  }

  Expect<Instance*> instantiateFile(std::string_view filename) {
    std::shared_ptr<const Module> module = WARDEN_TRY(compileFile(filename));
    return linker_.instantiate(store_, std::move(module));
  }

  // The instance an action or register names, or the current module.
  Expect<Instance*> instanceNamed(std::string_view name) {
    Instance* instance = current_;
    if (!name.empty()) {
      auto it = named_.find(std::string(name));
      if (it == named_.end()) return std::unexpected(runnerError(fmt::format("unknown module {}", name)));
      instance = it->second;
    }
    if (!instance) {
      std::string which = name.empty() ? std::string("the current module") : fmt::format("module {}", name);
      return std::unexpected(runnerError(fmt::format("{} failed to instantiate earlier", which)));
    }
    return instance;
  }

  Expect<ActionResult> perform(const json& action) {
    Instance* instance = WARDEN_TRY(instanceNamed(stringField(action, "module")));
    std::string_view field = stringField(action, "field");
    std::optional<Extern> ext = getExport(*instance, field);
    if (!ext) return std::unexpected(runnerError(fmt::format("no export named \"{}\"", field)));
    std::string_view kind = stringField(action, "type");
    if (kind == "get") {
      if (ext->kind != ExternKind::Global || !ext->global)
        return std::unexpected(runnerError(fmt::format("export \"{}\" is not a global", field)));
      const GlobalInstance& g = *ext->global;
      if (g.type.type == ValType::V128) return ActionResult{{g.type.type}, {g.value, g.value_hi}};
      return ActionResult{{g.type.type}, {g.value}};
    }
    if (kind != "invoke") return std::unexpected(runnerError(fmt::format("unknown action type '{}'", kind)));
    if (ext->kind != ExternKind::Func || !ext->func)
      return std::unexpected(runnerError(fmt::format("export \"{}\" is not a function", field)));
    std::vector<Value> args;
    for (const WastValue& arg : WARDEN_TRY(parseValues(arrayField(action, "args")))) WARDEN_TRY(appendArgument(arg, args));
    std::vector<Value> results = WARDEN_TRY(invoke(store_, *ext->func, args));
    return ActionResult{ext->func->type->results, std::move(results)};
  }

  const json& actionOf(const json& c) {
    static const json kEmpty = json::object();
    auto it = c.find("action");
    return (it != c.end() && it->is_object()) ? *it : kEmpty;
  }

  void onModule(const json& c) {
    Expect<Instance*> instance = instantiateFile(stringField(c, "filename"));
    current_ = instance ? *instance : nullptr;
    std::string_view name = stringField(c, "name");
    if (!name.empty()) named_[std::string(name)] = current_;
    if (instance) return pass();
    fail("module to instantiate", describe(instance.error()));
  }

  void onRegister(const json& c) {
    Expect<Instance*> instance = instanceNamed(stringField(c, "name"));
    if (!instance) return fail("an instance to register", describe(instance.error()));
    linker_.defineInstance(std::string(stringField(c, "as")), **instance);
    pass();
  }

  void onAction(const json& c) {
    Expect<ActionResult> result = perform(actionOf(c));
    if (result) return pass();
    fail("success", describe(result.error()));
  }

  void onAssertReturn(const json& c) {
    Expect<std::vector<WastValue>> expected = parseValues(arrayField(c, "expected"));
    if (!expected) return fail("well-formed expected values", describe(expected.error()));
    Expect<ActionResult> result = perform(actionOf(c));
    if (!result) return fail(formatExpectedList(*expected), describe(result.error()));
    if (!resultsMatch(*expected, result->values)) return fail(formatExpectedList(*expected), formatActualList(result->types, result->values));
    pass();
  }

  void onAssertTrap(const json& c) {
    std::string_view text = stringField(c, "text");
    Expect<ActionResult> result = perform(actionOf(c));
    std::string expected = fmt::format("trap \"{}\"", text);
    if (result) return fail(expected, formatActualList(result->types, result->values));
    if (!trapMatches(result.error(), text)) return fail(expected, describe(result.error()));
    pass();
  }

  void onAssertExhaustion(const json& c) {
    Expect<ActionResult> result = perform(actionOf(c));
    const char* expected = "trap \"call stack exhausted\"";
    if (result) return fail(expected, formatActualList(result->types, result->values));
    if (result.error().code() != ErrorCode::CallStackExhausted) return fail(expected, describe(result.error()));
    pass();
  }

  // assert_invalid and assert_malformed: any compile error passes. Text
  // modules need a text parser, which Warden does not have.
  void onAssertRejected(const json& c) {
    if (stringField(c, "module_type") == "text") return skip();
    Expect<std::shared_ptr<const Module>> module = compileFile(stringField(c, "filename"));
    if (module) return fail(fmt::format("compile error \"{}\"", stringField(c, "text")), "a valid module");
    pass();
  }

  void onAssertUnlinkable(const json& c) {
    if (stringField(c, "module_type") == "text") return skip();
    Expect<Instance*> instance = instantiateFile(stringField(c, "filename"));
    if (instance) return fail(fmt::format("link error \"{}\"", stringField(c, "text")), "an instance");
    pass();
  }

  void onAssertUninstantiable(const json& c) {
    if (stringField(c, "module_type") == "text") return skip();
    Expect<Instance*> instance = instantiateFile(stringField(c, "filename"));
    std::string expected = fmt::format("instantiation trap \"{}\"", stringField(c, "text"));
    if (instance) return fail(expected, "an instance");
    if (instance.error().phase() != ErrorPhase::Trap) return fail(expected, describe(instance.error()));
    pass();
  }

  static EngineConfig engineConfig(const WastOptions& options) {
    EngineConfig config;
    config.threads = options.threads;
    return config;
  }

  std::string name_;
  std::string json_dir_;
  ScriptObserver& observer_;
  bool lazy_ = false;  // WastOptions::lazy
  Engine engine_;
  Store store_;
  Linker linker_;
  std::map<std::string, Instance*> named_;  // null: failed to instantiate
  Instance* current_ = nullptr;
  ScriptCounts counts_;
  uint32_t line_ = 0;
  std::string type_;
};

bool isSimdScript(const std::string& wast_path) { return scriptDisplayName(wast_path).starts_with("simd_"); }

// Converts the script; the JSON and its .wasm files live in `dir`.
Expect<json> convertScript(const std::string& wast_path, const std::string& dir, bool threads) {
  std::string json_path = dir + "/script.json";
  std::vector<std::string> command = {"wast2json", wast_path, "-o", json_path};
  if (threads) command.push_back("--enable-threads");
  WARDEN_TRY(runTool(command, dir + "/wast2json.log"));
  std::string text = WARDEN_TRY(readFileText(json_path));
  json script = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (script.is_discarded() || !script.is_object())
    return std::unexpected(runnerError(fmt::format("wast2json wrote malformed JSON for {}", wast_path)));
  return script;
}

ScriptCounts scriptError(const std::string& name, ScriptObserver& observer, const Error& error) {
  observer.failure(fmt::format("{}:0: script: expected a runnable script, got {}", name, describe(error)));
  return ScriptCounts{0, 1, 0};
}

}  // namespace

std::string scriptDisplayName(const std::string& wast_path) {
  return std::filesystem::path(wast_path).filename().string();
}

ScriptCounts runScript(const std::string& wast_path, const WastOptions& options, ScriptObserver& observer) {
  Expect<TempDir> dir = TempDir::create("warden-wast-");
  if (!dir) return scriptError(scriptDisplayName(wast_path), observer, dir.error());
  return runScriptIn(wast_path, dir->path(), options, observer);
}

ScriptCounts runScriptIn(const std::string& wast_path, const std::string& work_dir, const WastOptions& options,
                         ScriptObserver& observer) {
  std::string name = scriptDisplayName(wast_path);
  Expect<json> script = convertScript(wast_path, work_dir, options.threads);
  if (!script) return scriptError(name, observer, script.error());
  const json& commands = arrayField(*script, "commands");

  if (isSimdScript(wast_path) && !options.include_simd) {
    return ScriptCounts{0, 0, commands.size()};
  }
  ScriptRunner runner(name, work_dir, observer, options);
  if (Expect<void> ready = runner.setUp(); !ready) return scriptError(name, observer, ready.error());
  for (const json& command : commands) {
    if (command.is_object()) runner.run(command);
  }
  return runner.counts();
}

Expect<std::vector<std::string>> listTestsuite(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return std::unexpected(Error(ErrorCode::HostError, fmt::format("cannot list {}: {}", dir, ec.message())));
  std::vector<std::string> paths;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto& entry = *it;
    if (entry.path().extension() == ".wast" && entry.is_regular_file(ec)) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace warden::cli
