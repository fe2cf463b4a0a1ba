#include "runtime/exec_context.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace warden {

ExecContext::ExecContext(uint64_t stack_slots, uint32_t max_depth) : max_call_depth(max_depth) {
  // Reserve the whole value stack; the OS commits pages only as they are
  // touched. kStackSlack more slots lie past stack_end.
  size_t bytes = (stack_slots + kStackSlack) * sizeof(Value);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  stack_base = static_cast<Value*>(p);
  stack_end = stack_base + stack_slots;
  stack_top = stack_base;
  // Never empty, so the interpreter's frame pointers are never offsets
  // from null.
  frames.resize(std::min<size_t>(256, size_t(max_depth) + 1));
}

ExecContext::~ExecContext() {
  if (stack_base) munmap(stack_base, (stack_end - stack_base + kStackSlack) * sizeof(Value));
}

}  // namespace warden
