// `warden wast`: runs official spec scripts (.wast) through wast2json and
// the embedding API, and counts passed/failed/skipped commands.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"

namespace warden::cli {

// Whether simd_*.wast scripts run by default (the engine implements the
// fixed-width SIMD of Wasm 2.0); when false they are counted as skipped
// unless --include-simd is given.
constexpr bool kSimdSupported = true;

struct WastOptions {
  bool include_simd = kSimdSupported;
  unsigned jobs = 0;                // worker threads; 0 = number of cores
  bool isolate = true;              // run each script in a forked child, so a crash is a failure, not the end
  unsigned timeout_seconds = 600;   // per script, isolated mode only
  // Run modules compiled lazily (bodies on first call, as snapshot restores
  // do), each after a full eager validation so assert_invalid still holds.
  bool lazy = false;
  // The threads proposal (shared memories, atomics) in wast2json and the
  // engine; off for the core testsuite, which is Wasm 2.0 and expects the
  // memory limits flags of shared memories to be malformed.
  bool threads = false;
};

struct ScriptCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
};

// Receives what a script produces while it runs (the isolated mode streams
// it to the parent so a crash loses nothing that came before).
class ScriptObserver {
 public:
  virtual ~ScriptObserver() = default;
  // One "FILE.wast:LINE: type: expected ..., got ..." line (no newline).
  virtual void failure(std::string_view line) = 0;
  // Called before each command runs, with the counts so far.
  virtual void progress(uint32_t line, const ScriptCounts& counts) = 0;
};

// Runs one script in this process. Never throws; every problem is a
// failure line.
ScriptCounts runScript(const std::string& wast_path, const WastOptions& options, ScriptObserver& observer);
// The same, with wast2json's output written to the existing directory
// `work_dir` (which the caller removes, even if this process dies).
ScriptCounts runScriptIn(const std::string& wast_path, const std::string& work_dir, const WastOptions& options,
                         ScriptObserver& observer);

// "address.wast" for "/x/y/address.wast".
std::string scriptDisplayName(const std::string& wast_path);

// The sorted top-level *.wast files of `dir`.
Expect<std::vector<std::string>> listTestsuite(const std::string& dir);

// Runs every script (in parallel per `options`), prints each script's lines
// together and in order, then the totals; returns the exit status.
int runWastScripts(const std::vector<std::string>& wast_paths, const WastOptions& options);
// The child side of the isolated mode: runs one script in `work_dir`,
// writing its records to `report_fd` (wast_driver.cpp).
int runWastChild(int report_fd, const std::string& path, const std::string& work_dir, const WastOptions& options);

}  // namespace warden::cli
