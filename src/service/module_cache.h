// Compiled wasm modules for language "wasm", keyed by their bytes, so a
// client sending the same module again skips decoding and validation. Holds
// at most `capacity` modules, dropping the least recently used.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/api.h"

namespace warden::service {

class ModuleCache {
 public:
  ModuleCache(Engine& engine, size_t capacity) : engine_(engine), capacity_(capacity) {}
  // The compiled module, or the decode/validation error.
  Expect<std::shared_ptr<const Module>> get(const std::string& bytes);

 private:
  struct Entry {
    std::string bytes;
    std::shared_ptr<const Module> module;
  };
  Engine& engine_;
  size_t capacity_;
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
};

}  // namespace warden::service
