#include "runtime/memory_faults.h"

#include <signal.h>

#include <mutex>

#include "runtime/objects.h"

namespace warden {

namespace {

thread_local FaultLanding* t_landing = nullptr;
struct sigaction g_previous_segv, g_previous_bus;

// Hands a fault that is not a guest's to whoever handled it before us.
void forward(int sig, siginfo_t* info, void* context) {
  const struct sigaction& previous = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  // Default action: restore it; returning re-executes the access, which
  // faults again and ends the process as it would have without us.
  signal(sig, SIG_DFL);
}

void onFault(int sig, siginfo_t* info, void* context) {
  FaultLanding* landing = t_landing;
  auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  if (landing && landing->memory_base) {
    auto base = reinterpret_cast<uintptr_t>(landing->memory_base);
    if (address >= base && address - base < kMemoryReservation) {
      landing->fault_offset = address - base;
      siglongjmp(landing->env, 1);
    }
  }
  forward(sig, info, context);
}

}  // namespace

FaultLanding*& currentFaultLanding() { return t_landing; }

void installMemoryFaultHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = onFault;
    // SA_NODEFER: the handler leaves by siglongjmp without restoring a
    // signal mask, so the signal must not be blocked while it runs.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &g_previous_segv);
    sigaction(SIGBUS, &action, &g_previous_bus);
  });
}

}  // namespace warden
