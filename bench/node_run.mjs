// Node.js as a second Wasm engine for the benchmarks:
//   node node_run.mjs FILE.wasm --invoke NAME [ARG...]   print NAME(ARG...)'s i32 result
//   node node_run.mjs FILE.wasm                          run a WASI command (_start)
// Reactors built without imports are instantiated with none; a module that
// imports wasi_snapshot_preview1 gets node:wasi with the process's stdio.
import { readFile } from 'node:fs/promises';
import { argv, exit } from 'node:process';

const [file, flag, name, ...args] = argv.slice(2);
if (!file || (flag !== undefined && (flag !== '--invoke' || !name))) {
  console.error('usage: node node_run.mjs FILE.wasm [--invoke NAME ARG...]');
  exit(1);
}

const module = await WebAssembly.compile(await readFile(file));
const needsWasi = WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_snapshot_preview1');
let wasi = null;
let imports = {};
if (needsWasi) {
  const { WASI } = await import('node:wasi');
  wasi = new WASI({ version: 'preview1', args: [file], env: {} });
  imports = wasi.getImportObject();
}
const instance = await WebAssembly.instantiate(module, imports);

if (flag === undefined) {
  exit(wasi ? wasi.start(instance) : 0);
}
const result = instance.exports[name](...args.map((a) => Number(a)));
console.log(String(result));
