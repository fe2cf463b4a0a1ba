# Read after the wasi-libc source's own Makefile (make -f Makefile -f
# threads.mk): what a threaded libc needs beyond that Makefile's lists.
# WARDEN_SYSROOT_DIR is this directory.

BH = $(LIBC_BOTTOM_HALF_DIR)

# Sources that refuse _REENTRANT (#error) in this version. They are built
# as in the single-threaded libc: the working-directory and preopen tables
# are set up before threads start and are not locked (see README.md).
SINGLE_THREADED_OBJS = $(call objs, \
    $(BH)/sources/chdir.c $(BH)/sources/getcwd.c \
    $(BH)/sources/preopens.c $(BH)/sources/getentropy.c \
    $(BH)/cloudlibc/src/libc/time/nanosleep.c)
$(SINGLE_THREADED_OBJS): CFLAGS += -U_REENTRANT

# musl's pthread_impl.h includes <signal.h> and <sys/mman.h>, which refuse
# to be included without these (only their declarations are used).
# struct sigaction is named in a prototype there without a definition.
THREADED_MUSL_FLAGS = -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_MMAN -Wno-visibility
$(LIBC_TOP_HALF_ALL_OBJS) $(MUSL_PRINTSCAN_LONG_DOUBLE_OBJS) $(MUSL_PRINTSCAN_NO_FLOATING_POINT_OBJS) \
    $(LIBWASI_EMULATED_SIGNAL_MUSL_OBJS): CFLAGS += $(THREADED_MUSL_FLAGS)

# random() keeps its single-threaded form (its lock is compiled out in this
# version; POSIX does not require random() to be thread-safe).
$(call objs,$(LIBC_TOP_HALF_MUSL_SRC_DIR)/prng/random.c): CFLAGS += -U_REENTRANT

# sysconf(_SC_NPROCESSORS_*) asks sched_getaffinity, which answers ENOSYS
# here (overlay/syscall_arch.h): one processor.
$(call objs,$(LIBC_TOP_HALF_MUSL_SRC_DIR)/conf/sysconf.c): CFLAGS += -include syscall.h

# musl's synchronisation objects and attribute functions, as they are in
# the source: they only need the futex (overlay/syscall_arch.h) and the
# thread pointer (overlay/pthread_arch.h). Thread creation, exit, join,
# detach and keys are the thread layer's own (pthread/).
MUSL_THREAD = $(LIBC_TOP_HALF_MUSL_SRC_DIR)/thread
MUSL_THREAD_SOURCES = \
    $(addprefix $(MUSL_THREAD)/, __lock.c __wait.c __syscall_cp.c \
        default_attr.c lock_ptc.c vmlock.c \
        pthread_self.c pthread_equal.c pthread_once.c \
        pthread_setcancelstate.c pthread_setcanceltype.c pthread_testcancel.c \
        pthread_cleanup_push.c pthread_getconcurrency.c pthread_setconcurrency.c \
        pthread_mutex_consistent.c \
        sem_init.c sem_destroy.c sem_getvalue.c sem_post.c sem_trywait.c \
        sem_wait.c sem_timedwait.c \
        call_once.c cnd_broadcast.c cnd_destroy.c cnd_init.c cnd_signal.c \
        cnd_timedwait.c cnd_wait.c mtx_destroy.c mtx_init.c mtx_lock.c \
        mtx_timedlock.c mtx_trylock.c mtx_unlock.c) \
    $(filter-out %/pthread_attr_get.c %/pthread_attr_setschedparam.c, \
        $(wildcard $(MUSL_THREAD)/pthread_attr_*.c)) \
    $(wildcard $(MUSL_THREAD)/pthread_barrier*.c) \
    $(filter-out %/pthread_condattr_setclock.c, \
        $(wildcard $(MUSL_THREAD)/pthread_cond*.c)) \
    $(wildcard $(MUSL_THREAD)/pthread_mutex_*.c) \
    $(wildcard $(MUSL_THREAD)/pthread_mutexattr_*.c) \
    $(wildcard $(MUSL_THREAD)/pthread_rwlock*.c) \
    $(wildcard $(MUSL_THREAD)/pthread_spin_*.c) \
    $(addprefix $(LIBC_TOP_HALF_MUSL_SRC_DIR)/stdio/, \
        __lockfile.c flockfile.c funlockfile.c ftrylockfile.c)
MUSL_THREAD_OBJS = $(call objs,$(MUSL_THREAD_SOURCES))
$(MUSL_THREAD_OBJS): CFLAGS += \
    -I$(LIBC_TOP_HALF_MUSL_SRC_DIR)/include \
    -I$(LIBC_TOP_HALF_MUSL_SRC_DIR)/internal \
    -I$(LIBC_TOP_HALF_MUSL_DIR)/arch/wasm32 \
    -I$(LIBC_TOP_HALF_MUSL_DIR)/arch/generic \
    -I$(LIBC_TOP_HALF_HEADERS_PRIVATE) \
    -Wno-parentheses -Wno-unknown-pragmas -Wno-deprecated-non-prototype \
    $(THREADED_MUSL_FLAGS)
# The condition variable keeps its clock (a clockid_t pointer, below 2^31 in
# wasm32) in an int field of pthread_cond_t; condattr_clock.c stores it so.
$(call objs,$(MUSL_THREAD)/pthread_cond_timedwait.c): CFLAGS += -Wno-int-conversion

# The thread layer, compiled against musl's internal headers like the
# sources above. (WASI's clockid_t is a pointer, so the attribute getters
# and the condition variable's clock are the layer's: attr_get.c,
# condattr_clock.c; the timed futex wait is timedwait.c.)
LAYER_DIR = $(WARDEN_SYSROOT_DIR)/pthread
LAYER_OBJS = $(patsubst $(LAYER_DIR)/%,$(OBJDIR)/warden-pthread/%.o, \
    $(wildcard $(LAYER_DIR)/*.c) $(wildcard $(LAYER_DIR)/*.s))
$(OBJDIR)/warden-pthread/%.c.o: $(LAYER_DIR)/%.c $(LAYER_DIR)/thread.h include_dirs
	@mkdir -p "$(@D)"
	$(CC) $(CFLAGS) -I$(LAYER_DIR) \
	    -I$(LIBC_TOP_HALF_MUSL_SRC_DIR)/include \
	    -I$(LIBC_TOP_HALF_MUSL_SRC_DIR)/internal \
	    -I$(LIBC_TOP_HALF_MUSL_DIR)/arch/wasm32 \
	    -I$(LIBC_TOP_HALF_MUSL_DIR)/arch/generic \
	    -I$(LIBC_TOP_HALF_HEADERS_PRIVATE) \
	    $(THREADED_MUSL_FLAGS) -o $@ -c $<
$(OBJDIR)/warden-pthread/%.s.o: $(LAYER_DIR)/%.s
	@mkdir -p "$(@D)"
	$(CC) --target=$(TARGET_TRIPLE) -matomics -mbulk-memory -o $@ -c $<

$(SYSROOT_LIB)/libc.a: $(MUSL_THREAD_OBJS) $(LAYER_OBJS)

# The command entry is the layer's (crt/crt1-command.c, copied over the
# source's by build.sh): it calls the constructors itself, so wasm-ld does
# not wrap the exports (wasi_thread_start among them) in constructor and
# destructor calls.
