// The `spectest` host module that the official spec scripts import.
#pragma once

#include "runtime/api.h"

namespace warden::cli {

// Creates spectest's functions, globals, table and memory in `store` and
// defines them in `linker` under the module name "spectest".
// The print functions print nothing: the runner's output is its verdicts.
Expect<void> defineSpectest(Store& store, Linker& linker);

}  // namespace warden::cli
