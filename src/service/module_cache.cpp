#include "service/module_cache.h"

#include <span>

namespace warden::service {

Expect<std::shared_ptr<const Module>> ModuleCache::get(const std::string& bytes) {
  {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->bytes == bytes) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().module;
      }
    }
  }
  // Compiled outside the lock: another worker may compile the same bytes at
  // the same time, which costs only the duplicate work.
  std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  std::shared_ptr<const Module> module = WARDEN_TRY(compileModule(engine_, span));
  std::lock_guard lock(mutex_);
  entries_.push_front({bytes, module});
  if (entries_.size() > capacity_) entries_.pop_back();
  return module;
}

}  // namespace warden::service
