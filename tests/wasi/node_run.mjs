// A reference runner for checking test expectations without Warden: runs a
// WASI command under Node's node:wasi with a subset of `warden run`'s options
// (--dir, --ro-dir, --env; other options are accepted and ignored).
// Node does not enforce capabilities: security expectations are Warden's.
//   node node_run.mjs [--dir HOST::GUEST] [--env K=V] [--] FILE.wasm ARGS...
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length && argv[i].startsWith('--'); i += 2) {
  if (argv[i] === '--') {  // the end of the options
    i++;
    break;
  }
  const [option, value] = [argv[i], argv[i + 1]];
  if (option === '--dir' || option === '--ro-dir') {
    const [host, guest] = value.split('::');
    preopens[guest] = host;
  } else if (option === '--env') {
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  }
}
const file = argv[i];
const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(i + 1)], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
