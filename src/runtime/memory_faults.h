// Out-of-bounds linear-memory accesses as page faults (DESIGN.md: linear
// memory). Every memory reserves its whole 32-bit index space plus a guard
// (objects.h: kMemoryReservation), so any address an access can form lies
// in its own reservation, and one beyond the memory's size faults. The
// interpreter's scalar loads and stores therefore check no bounds: a fault
// raised by the interpreter loop's code at an address inside the running
// memory's reservation jumps back to where the invocation began (a
// FaultLanding), which reports MemoryOutOfBounds. Any other fault goes to
// the handler installed before ours (or the default action: a crash).
#pragma once

#include <csetjmp>
#include <cstdint>

namespace warden {

// One per running invocation of the interpreter loop, on its C++ stack;
// they nest as host calls re-enter.
struct FaultLanding {
  sigjmp_buf env;
  FaultLanding* outer = nullptr;
  const uint8_t* memory_base = nullptr;  // the running instance's memory 0 (kept current by the loop)
};

// The innermost landing of this thread (null outside the interpreter loop).
FaultLanding*& currentFaultLanding();

// Installs the SIGSEGV and SIGBUS handler, once per process. Faults whose
// program counter lies in [code_begin, code_end) are the interpreter's.
void installMemoryFaultHandler(uintptr_t code_begin, uintptr_t code_end);

}  // namespace warden
