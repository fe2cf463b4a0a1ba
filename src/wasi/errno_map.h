// Host (Linux) errno → WASI errno.
#pragma once

#include "wasi/wasi_abi.h"

namespace warden::wasi {

Errno fromHostErrno(int host_errno);

}  // namespace warden::wasi
