/* pthread_detach: a running thread will hand its block to the reaper when
 * it ends; one that already ended is joined (freed) here. */
#include "thread.h"

int pthread_detach(pthread_t th)
{
	switch (a_cas(&th->detach_state, DT_JOINABLE, DT_DETACHED)) {
	case DT_JOINABLE: return 0;
	case DT_EXITING: return pthread_join(th, 0);
	default: return EINVAL;
	}
}
