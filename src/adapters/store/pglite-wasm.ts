import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// PGlite's 9 MB WASM module, compiled once a process. PGlite itself reads and compiles it only
// once its data directory is ready; started earlier (`berth serve` does so as it begins), V8
// compiles it on its background threads while the control plane's code loads and the template
// unpacks.

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * The compiled module, by V8's baseline compiler only: the optimising tier keeps a second copy of
 * the module's code (about 45 MB of RSS) and competes for the CPU while the store opens; measured
 * here, queries ran no slower without it. V8 reads the flag when it compiles a module.
 */
export function pgliteWasm(): Promise<WebAssembly.Module> {
  if (!compiled) {
    setFlagsFromString('--liftoff-only');
    compiled = Promise.resolve()
      .then(() => readFile(createRequire(import.meta.url).resolve('@electric-sql/pglite/pglite.wasm')))
      .then((bytes) => WebAssembly.compile(bytes));
    // A failure is reported to whoever opens the store; one started early and never used is no error.
    compiled.catch(() => undefined);
  }
  return compiled;
}
