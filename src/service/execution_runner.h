// Runs one ExecutionSpec on the calling (worker) thread: a private work
// directory with the uploaded files, the guest (Python source or a WASI
// module), and the files it created or changed. Sessions run through
// `runInSession` with the session's own directory.
#pragma once

#include <expected>
#include <string>

#include "sandbox/execution.h"
#include "sandbox/python_runtime.h"
#include "service/api_error.h"
#include "service/execution_spec.h"
#include "service/module_cache.h"
#include "service/sessions.h"
#include "service/work_files.h"

namespace warden::service {

struct ExecutionOutcome {
  sandbox::Result result;
  ChangedFiles files;
};

class ExecutionRunner {
 public:
  ExecutionRunner(sandbox::PythonRuntime& python, ModuleCache& modules, const FileLimits& file_limits)
      : python_(python), modules_(modules), file_limits_(file_limits) {}

  // `on_start` is called once the guest is about to run (after every check
  // that can still answer with an error), so a stream can begin there.
  std::expected<ExecutionOutcome, ApiError> run(const ExecutionSpec& spec, const sandbox::OutputSink& on_output,
                                                const std::function<void()>& on_start);
  std::expected<ExecutionOutcome, ApiError> runInSession(Session& session, const ExecutionSpec& spec,
                                                         const sandbox::OutputSink& on_output,
                                                         const std::function<void()>& on_start);

 private:
  sandbox::PythonRuntime& python_;
  ModuleCache& modules_;
  FileLimits file_limits_;
};

}  // namespace warden::service
