// Out-of-bounds linear-memory accesses as page faults (DESIGN.md: linear
// memory). Every memory reserves its whole 32-bit index space plus a guard
// (objects.h: kMemoryReservation), so any address an access can form lies
// in its own reservation, and one beyond the memory's size faults. The
// interpreter's scalar loads and stores therefore check no bounds: a fault
// at an address inside the running memory's reservation, while the
// interpreter loop runs (not a host function it called), jumps back to
// where the invocation began (a FaultLanding), which reports
// MemoryOutOfBounds. The faulting instruction may be in a helper the loop
// calls (an unoptimized build's memcpy), so the address and the landing's
// armed state decide, not the program counter. Any other fault goes to the
// handler installed before ours (or the default action: a crash).
#pragma once

#include <csetjmp>
#include <cstdint>

namespace warden {

// One per running invocation of the interpreter loop, on its C++ stack;
// they nest as host calls re-enter.
struct FaultLanding {
  sigjmp_buf env;
  FaultLanding* outer = nullptr;
  // The running instance's memory 0, kept current by the loop; null while a
  // host function runs (disarmed: a fault there is the host's, and jumping
  // out of it would skip its destructors).
  const uint8_t* memory_base = nullptr;
  // Set by the handler before it jumps: the faulting address's offset from
  // memory_base (the Wasm address plus the access's offset; at or past 4 GiB
  // in the guard region), for the trap's message.
  volatile uint64_t fault_offset = 0;
};

// The innermost landing of this thread (null outside the interpreter loop).
FaultLanding*& currentFaultLanding();

// Installs the SIGSEGV and SIGBUS handler, once per process.
void installMemoryFaultHandler();

}  // namespace warden
