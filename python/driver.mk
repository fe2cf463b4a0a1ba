# Links python-driver.wasm, the snapshot driver (warden_driver.c), from the
# same objects as python.wasm. Used as a second makefile after CPython's own
# (`make -f Makefile -f driver.mk python-driver.wasm`), so that the compile
# flags and the link line are exactly the ones configure chose.
WARDEN_DRIVER_SRC ?= warden_driver.c

Programs/warden_driver.o: $(WARDEN_DRIVER_SRC)
	$(MAINCC) -c $(PY_CORE_CFLAGS) -o $@ $(WARDEN_DRIVER_SRC)

# A WASI reactor: `_initialize` instead of `_start`, and the driver's exports.
python-driver.wasm: Programs/warden_driver.o $(LINK_PYTHON_DEPS)
	$(LINKCC) $(PY_CORE_LDFLAGS) $(LINKFORSHARED) -mexec-model=reactor -o $@ \
		Programs/warden_driver.o $(LINK_PYTHON_OBJS) $(LIBS) $(MODLIBS) $(SYSLIBS)
