// The snapshot driver: a second entry into the same CPython build
// (python-driver.wasm, a WASI reactor), so the host can start the
// interpreter once, snapshot it, and then run code in restored copies
// without starting Python again.
//
// Exports (called by src/sandbox/python_snapshot.cpp):
//   _initialize()                 wasi-libc's reactor start (C constructors)
//   warden_init() -> int          starts CPython and imports the modules named
//                                 in $WARDEN_PRELOAD ("json,re"); 0 on success
//   warden_alloc(n) -> ptr        n bytes for the host to write a source into
//   warden_run(kind, ptr, n) -> int
//                                 runs source code (kind 0), a module by name
//                                 (1, like -m) or a script by path (2, its
//                                 sys.argv[0] from $WARDEN_ARGV0 if set) as
//                                 __main__; frees ptr; returns the exit status.
//                                 kind | 0x100 marks the sandbox's last run:
//                                 atexit functions run after it, as at exit
//
// Everything that may differ between the snapshot and the run is read again
// at each run: argv (sys.argv[1:] from the WASI args after argv[0]), the
// environment, the working directory ($WARDEN_CWD, which the driver removes
// from the environment the program sees, like $WARDEN_ARGV0), directories preopened after the
// snapshot, the seed of `random`, and stdout's buffering (line-buffered on a
// terminal). The str/bytes hash seed stays the snapshot's (docs/SNAPSHOTS.md).
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasi/libc-environ.h>
#include <wasi/libc.h>

#define EXPORT(name) __attribute__((export_name(#name)))

enum { RUN_SOURCE = 0, RUN_MODULE = 1, RUN_PATH = 2, RUN_LAST = 0x100 };

// Preopened descriptors wasi-libc already knows (registered at start-up,
// before the snapshot, or by an earlier run of this sandbox).
#define MAX_KNOWN_FDS 256
static unsigned char known_preopen[MAX_KNOWN_FDS];

// Python helpers, defined once in a private module at init.
static const char kHelpers[] =
    "import os as _os, sys as _sys\n"
    "def refresh(argv0, args, env, path0):\n"
    "    data = _os.environ._data\n"
    "    data.clear()\n"
    "    for key, value in env:\n"
    "        data[_os.environ.encodekey(key)] = _os.environ.encodevalue(value)\n"
    "    _sys.argv[:] = [argv0] + args\n"
    "    if path0 is not None:\n"
    "        if _sys.path and _sys.path[0] == path0: pass\n"
    "        else: _sys.path.insert(0, path0)\n"
    "    if 'random' in _sys.modules:\n"
    "        _sys.modules['random'].seed()\n"
    "    if _os.isatty(1):\n"
    "        _sys.stdout.reconfigure(line_buffering=True)\n"
    "def run_module(name):\n"
    "    import runpy\n"
    "    runpy._run_module_as_main(name, alter_argv=True)\n"
    "def run_path(path, argv0):\n"
    "    if _os.path.isdir(path) or _is_zip(path):\n"
    "        import runpy\n"
    "        runpy.run_path(path, run_name='__main__')\n"
    "        return\n"
    "    import io\n"
    "    with io.open_code(path) as f:\n"
    "        code = compile(f.read(), path, 'exec', dont_inherit=True)\n"
    "    main = _sys.modules['__main__'].__dict__\n"
    "    main['__file__'] = path\n"
    "    main['__cached__'] = None\n"
    "    _sys.argv[0] = argv0\n"
    "    exec(code, main)\n"
    "def _is_zip(path):\n"
    "    try:\n"
    "        with open(path, 'rb') as f:\n"
    "            return f.read(4) == b'PK\\x03\\x04'\n"
    "    except OSError:\n"
    "        return False\n";

static PyObject* helpers;  // the helper module's dict

static void mark_known_preopens(void) {
  for (__wasi_fd_t fd = 3; fd < MAX_KNOWN_FDS; ++fd) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS) break;
    known_preopen[fd] = 1;
  }
}

// Registers directories preopened after the snapshot (a request's work
// directory) with wasi-libc, so paths under them resolve.
static void register_new_preopens(void) {
  for (__wasi_fd_t fd = 3; fd < MAX_KNOWN_FDS; ++fd) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS) break;
    if (known_preopen[fd] || prestat.tag != __WASI_PREOPENTYPE_DIR) continue;
    size_t len = prestat.u.dir.pr_name_len;
    char* name = malloc(len + 1);
    if (!name) return;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)name, len) == __WASI_ERRNO_SUCCESS) {
      name[len] = '\0';
      if (__wasilibc_register_preopened_fd((int)fd, name) == 0) known_preopen[fd] = 1;
    }
    free(name);
  }
}

// The WASI arguments after argv[0], as a list of str.
static PyObject* wasi_args_after_first(void) {
  size_t count = 0, size = 0;
  if (__wasi_args_sizes_get(&count, &size) != __WASI_ERRNO_SUCCESS) return PyList_New(0);
  char** argv = calloc(count + 1, sizeof(char*));
  char* buffer = malloc(size + 1);
  PyObject* list = PyList_New(0);
  if (argv && buffer && list && __wasi_args_get((uint8_t**)argv, (uint8_t*)buffer) == __WASI_ERRNO_SUCCESS) {
    for (size_t i = 1; i < count; ++i) {
      PyObject* item = PyUnicode_DecodeFSDefault(argv[i]);
      if (!item || PyList_Append(list, item) < 0) PyErr_Clear();
      Py_XDECREF(item);
    }
  }
  free(argv);
  free(buffer);
  return list;
}

// The environment as [(key, value)], read again from the host.
static PyObject* fresh_environment(void) {
  __wasilibc_deinitialize_environ();
  __wasilibc_initialize_environ();
  PyObject* list = PyList_New(0);
  for (char** entry = environ; list && entry && *entry; ++entry) {
    const char* eq = strchr(*entry, '=');
    if (!eq || eq == *entry) continue;
    // The driver's own variables, not the program's.
    if (strncmp(*entry, "WARDEN_CWD=", 11) == 0 || strncmp(*entry, "WARDEN_ARGV0=", 13) == 0) continue;
    PyObject* key = PyUnicode_DecodeFSDefaultAndSize(*entry, eq - *entry);
    PyObject* value = PyUnicode_DecodeFSDefault(eq + 1);
    if (key && value) {
      PyObject* kv = PyTuple_Pack(2, key, value);
      if (kv) PyList_Append(list, kv);
      Py_XDECREF(kv);
    }
    Py_XDECREF(key);
    Py_XDECREF(value);
    PyErr_Clear();
  }
  return list;
}

// SystemExit as CPython's main reports it: None → 0, an int → itself,
// anything else printed to stderr → 1. Clears the exception.
static int exit_status_of_system_exit(void) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  int status = 0;
  PyObject* code = value ? PyObject_GetAttrString(value, "code") : NULL;
  PyErr_Clear();
  if (code == NULL || code == Py_None) {
    status = 0;
  } else if (PyLong_Check(code)) {
    status = (int)PyLong_AsLong(code);
    PyErr_Clear();
  } else {
    PyObject* text = PyObject_Str(code);
    const char* utf8 = text ? PyUnicode_AsUTF8(text) : NULL;
    PyObject* err = PySys_GetObject("stderr");
    if (utf8 && err && err != Py_None) {
      PyFile_WriteString(utf8, err);
      PyFile_WriteString("\n", err);
    } else if (utf8) {
      fprintf(stderr, "%s\n", utf8);
    }
    Py_XDECREF(text);
    PyErr_Clear();
    status = 1;
  }
  Py_XDECREF(code);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return status;
}

// Runs the functions registered with atexit, as interpreter exit would.
static void run_atexit_functions(void) {
  PyObject* atexit = PyImport_ImportModule("atexit");
  PyObject* ran = atexit ? PyObject_CallMethod(atexit, "_run_exitfuncs", NULL) : NULL;
  Py_XDECREF(ran);
  Py_XDECREF(atexit);
  PyErr_Clear();
}

// The exit status after running: 0, SystemExit's status, or 1 with the
// traceback printed for any other exception. After the last run of a
// sandbox the atexit functions run too.
static int finish_run(PyObject* result, int last);
static int finish(PyObject* result) { return finish_run(result, 0); }

static int finish_run(PyObject* result, int last) {
  int status = 0;
  if (result) {
    Py_DECREF(result);
  } else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
    status = exit_status_of_system_exit();
  } else {
    PyErr_Print();  // also sets sys.last_traceback, as the REPL does
    status = 1;
  }
  if (last) run_atexit_functions();
  // Output written so far reaches the host before the run returns.
  const char* streams[] = {"stdout", "stderr"};
  for (int i = 0; i < 2; ++i) {
    PyObject* stream = PySys_GetObject(streams[i]);
    if (stream && stream != Py_None) {
      PyObject* flushed = PyObject_CallMethod(stream, "flush", NULL);
      Py_XDECREF(flushed);
      PyErr_Clear();
    }
  }
  return status;
}

EXPORT(warden_init) int warden_init(void) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.parse_argv = 0;
  config.install_signal_handlers = 0;
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, "python");
  if (!PyStatus_Exception(status)) {
    char* argv[] = {"-c", NULL};
    status = PyConfig_SetBytesArgv(&config, 1, argv);
  }
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    fprintf(stderr, "warden driver: Python failed to start: %s\n", status.err_msg ? status.err_msg : "unknown error");
    return 1;
  }

  PyObject* module = PyModule_New("_warden_driver");
  if (!module) return finish(NULL);
  helpers = PyModule_GetDict(module);  // kept alive by the module, which is never freed
  PyObject* builtins = PyEval_GetBuiltins();
  PyDict_SetItemString(helpers, "__builtins__", builtins);
  PyObject* defined = PyRun_String(kHelpers, Py_file_input, helpers, helpers);
  if (!defined) return finish(NULL);
  Py_DECREF(defined);

  const char* preload = getenv("WARDEN_PRELOAD");
  if (preload && *preload) {
    char* names = strdup(preload);
    for (char* save = NULL, *name = strtok_r(names, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
      PyObject* imported = PyImport_ImportModule(name);
      if (!imported) {
        free(names);
        return finish(NULL);
      }
      Py_DECREF(imported);
    }
    free(names);
  }
  // What exists now is the snapshot's: a collection in a restored sandbox
  // would visit (and write) every page of it, so it is frozen out of the
  // collector's generations, as a forking server does before fork.
  PyObject* gc = PyImport_ImportModule("gc");
  PyObject* frozen = gc ? PyObject_CallMethod(gc, "freeze", NULL) : NULL;
  Py_XDECREF(gc);
  if (!frozen) return finish(NULL);
  Py_DECREF(frozen);
  mark_known_preopens();
  Py_INCREF(Py_None);
  return finish(Py_None);
}

EXPORT(warden_alloc) void* warden_alloc(size_t size) { return malloc(size ? size : 1); }

EXPORT(warden_run) int warden_run(int kind_and_flags, char* text, size_t length) {
  int kind = kind_and_flags & 0xff;
  int last = (kind_and_flags & RUN_LAST) != 0;
  register_new_preopens();
  PyObject* env = fresh_environment();
  static char cwd[1024];
  cwd[0] = '\0';
  const char* wanted = getenv("WARDEN_CWD");
  if (wanted && *wanted) {
    snprintf(cwd, sizeof cwd, "%s", wanted);
    if (chdir(cwd) != 0) fprintf(stderr, "warden driver: cannot change to %s\n", cwd);
  }
  unsetenv("WARDEN_CWD");
  const char* pwd = cwd[0] ? cwd : NULL;
  // A script's sys.argv[0] as the user typed it (python3 keeps it so);
  // the text is the path it is opened by, which also names it in tracebacks.
  static char script_argv0[1024];
  script_argv0[0] = '\0';
  const char* typed = getenv("WARDEN_ARGV0");
  if (typed) snprintf(script_argv0, sizeof script_argv0, "%s", typed);
  unsetenv("WARDEN_ARGV0");

  PyObject* source = PyUnicode_DecodeUTF8(text, (Py_ssize_t)length, "surrogateescape");
  free(text);
  if (!source || !env) return finish(NULL);

  const char* argv0 = kind == RUN_SOURCE ? "-c" : kind == RUN_MODULE ? "-m" : script_argv0[0] ? script_argv0 : PyUnicode_AsUTF8(source);
  PyObject* path0 = NULL;
  if (kind == RUN_SOURCE) {
    path0 = PyUnicode_FromString("");
  } else if (kind == RUN_MODULE) {
    path0 = PyUnicode_FromString(pwd && *pwd ? pwd : "/");
  } else {
    PyObject* os_path = PyImport_ImportModule("os.path");
    path0 = os_path ? PyObject_CallMethod(os_path, "dirname", "O", source) : NULL;
    Py_XDECREF(os_path);
  }
  PyObject* refresh = PyDict_GetItemString(helpers, "refresh");
  PyObject* args = wasi_args_after_first();
  PyObject* refreshed = path0 && args ? PyObject_CallFunction(refresh, "sOOO", argv0, args, env, path0) : NULL;
  Py_XDECREF(args);
  Py_XDECREF(path0);
  Py_DECREF(env);
  if (!refreshed) {
    Py_DECREF(source);
    return finish(NULL);
  }
  Py_DECREF(refreshed);

  PyObject* result = NULL;
  if (kind == RUN_SOURCE) {
    PyObject* main_module = PyImport_AddModule("__main__");  // borrowed
    PyObject* globals = main_module ? PyModule_GetDict(main_module) : NULL;
    const char* utf8 = PyUnicode_AsUTF8(source);
    PyObject* code = globals && utf8 ? Py_CompileString(utf8, "<string>", Py_file_input) : NULL;
    if (code) {
      result = PyEval_EvalCode(code, globals, globals);
      Py_DECREF(code);
    }
  } else if (kind == RUN_MODULE) {
    result = PyObject_CallFunction(PyDict_GetItemString(helpers, "run_module"), "O", source);
  } else {
    PyObject* argv0_text = script_argv0[0] ? PyUnicode_DecodeFSDefault(script_argv0) : (Py_INCREF(source), source);
    result = argv0_text ? PyObject_CallFunction(PyDict_GetItemString(helpers, "run_path"), "OO", source, argv0_text) : NULL;
    Py_XDECREF(argv0_text);
  }
  Py_DECREF(source);
  return finish_run(result, last);
}
