// Runs the recipe's python.wasm under Node.js's node:wasi: the reference
// runner (oracle) that Warden's `warden python` is compared against.
//
//   node python/node-run.mjs [--home DIR] [--dir HOST::GUEST]... [--env K=V]... -- [PYTHON ARGS...]
//
// --home is the recipe's output directory (python/build.sh --print-dir; also
// $WARDEN_PYTHON_HOME). Its lib/ is preopened at /usr/local/lib (the prefix
// python.wasm was configured with) and share/zoneinfo at /usr/share/zoneinfo.
// --dir HOST (without ::GUEST) maps a directory to the same path. No host
// environment is passed, only --env values. stdin/stdout/stderr are the
// process's own. The exit status is Python's.
//
// node:wasi is not a sandbox: it does not enforce read-only preopens, memory
// caps or timeouts (the test runner kills on timeout). Nor has it threads:
// python.wasm is built for wasm32-wasi-threads, so this runner gives it the
// shared memory it imports and a `thread-spawn` that always answers EAGAIN
// (starting a thread raises RuntimeError: can't start new thread). Node is
// the oracle for single-threaded programs only.
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const usage = 'usage: node-run.mjs [--home DIR] [--dir HOST[::GUEST]]... [--env K=V]... -- [PYTHON ARGS...]';

function parseArgs(argv) {
  const options = { home: process.env.WARDEN_PYTHON_HOME || '', dirs: [], env: {}, args: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--') { i++; break; }
    if (arg === '--home') options.home = value();
    else if (arg === '--dir') options.dirs.push(value());
    else if (arg === '--env') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--env wants K=V, got ${pair}`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else break;  // first Python argument (a script path) without "--"
  }
  options.args = argv.slice(i);
  return options;
}

// The recipe's output directory, built if missing (only when --home is absent).
function defaultHome() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return execFileSync(path.join(here, 'build.sh'), ['--print-dir'], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString().trim();
}

function preopens(home, dirs) {
  const map = {
    '/usr/local/lib': path.join(home, 'lib'),
    '/usr/share/zoneinfo': path.join(home, 'share', 'zoneinfo'),
  };
  for (const spec of dirs) {
    const [host, guest] = spec.includes('::') ? spec.split('::') : [spec, spec];
    map[guest] = path.resolve(host);
  }
  return map;
}

// The memories a module imports, with the limits it declares (the JS API
// does not report them): [{ module, name, limits }], read from the import
// section of the binary.
function importedMemories(bytes) {
  let at = 8;
  const u8 = () => bytes[at++];
  const leb = () => {
    let result = 0, shift = 0, byte;
    do { byte = u8(); result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return result;
  };
  const name = () => { const n = leb(); const s = bytes.subarray(at, at + n).toString('utf8'); at += n; return s; };
  const limits = () => {
    const flags = u8();
    const initial = leb();
    const maximum = flags & 1 ? leb() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };
  const found = [];
  while (at < bytes.length) {
    const id = u8();
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let count = leb(); count > 0; count--) {
        const from = name();
        const field = name();
        const kind = u8();
        if (kind === 0) leb();                      // function: type index
        else if (kind === 1) { u8(); limits(); }    // table: element type, limits
        else if (kind === 2) found.push({ module: from, name: field, limits: limits() });
        else if (kind === 3) { u8(); u8(); }        // global: value type, mutability
        else throw new Error(`import kind ${kind} not understood`);
      }
      return found;
    }
    at = end;
  }
  return found;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`node-run: ${err.message}\n${usage}`);
    return 2;
  }
  const home = options.home || defaultHome();
  // node:wasi prints an ExperimentalWarning on import; it is noise in outputs.
  process.removeAllListeners('warning');
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({
    version: 'preview1',
    args: ['python', ...options.args],
    env: options.env,
    preopens: preopens(home, options.dirs),
    returnOnExit: true,
  });
  const bytes = await readFile(path.join(home, 'python.wasm'));
  const module = await WebAssembly.compile(bytes);
  const imports = wasi.getImportObject();
  const EAGAIN = 6;
  imports.wasi = { 'thread-spawn': () => -EAGAIN };
  for (const { module: from, name, limits } of importedMemories(bytes)) {
    (imports[from] ??= {})[name] = new WebAssembly.Memory(limits);
  }
  const instance = await WebAssembly.instantiate(module, imports);
  return wasi.start(instance);
}

process.exitCode = await main();
