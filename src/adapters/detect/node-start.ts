import type { Evidence } from '../../core/plan/plan.js';
import { isFile, readText } from './context.js';
import type { PackageJson } from './node-package.js';

// What a Node.js server runs and the port it listens on, read from package.json and the entry
// file's text. Only literals count: `PORT=8080 node server.js`, `--port 8080`, `.listen(8080`.

export const NODE_DEFAULT_PORT = 3000;

/** Files a server's code usually starts in, besides the one the start command names. */
const ENTRY_CANDIDATES = ['server.js', 'index.js', 'app.js', 'main.js', ...['server', 'index', 'main', 'app'].flatMap((n) => ['js', 'mjs', 'cjs', 'ts'].map((e) => `src/${n}.${e}`))];

/** `node <main>` when it exists or a build will produce it, else server.js, else index.js. */
export async function entryStart(dir: string, pkg: PackageJson, willBuild: boolean, evidence: Evidence[]): Promise<string | undefined> {
  const main = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : undefined;
  if (main && ((await isFile(dir, main)) || willBuild)) {
    evidence.push({ kind: 'config', detail: 'package.json main' });
    return `node ${shellQuote(main)}`;
  }
  for (const entry of ['server.js', 'index.js']) {
    if (await isFile(dir, entry)) {
      evidence.push({ kind: 'file', detail: entry });
      return `node ${entry}`;
    }
  }
  return undefined;
}

/** The file a `node [flags] FILE` command runs, when it runs one. */
export function nodeEntry(command: string): string | undefined {
  const m = /(?:^|[\s;&|])node\s+(?:-{1,2}[\w-]+(?:=\S+)?\s+)*([^\s;&|-][^\s;&|]*)/.exec(command);
  return m?.[1];
}

/** A port given as a literal in a command line: `PORT=8080 ...`, `--port 8080`, `-p 8080`. */
export function commandPort(command: string): number | undefined {
  const m = /(?:^|\s)PORT=(\d{1,5})(?=\s)/.exec(command) ?? /(?:^|\s)(?:--port|-p)(?:=|\s+)(\d{1,5})(?=\s|$)/.exec(command);
  return m ? validPort(Number(m[1])) : undefined;
}

/** The single port literal passed to `.listen(` across these texts, when there is exactly one. */
export function listenPort(texts: { file: string; text: string }[]): { port: number; file: string } | undefined {
  const found = new Map<number, string>();
  for (const { file, text } of texts) {
    for (const m of text.matchAll(/\.listen\(\s*(\d{2,5})\s*[,)]/g)) {
      const port = validPort(Number(m[1]));
      if (port !== undefined && !found.has(port)) found.set(port, file);
    }
  }
  const [only] = found;
  return found.size === 1 && only ? { port: only[0], file: only[1] } : undefined;
}

/** The server's source files worth reading: the start command's entry, main, the usual names. */
export async function entryTexts(dir: string, pkg: PackageJson, commands: string[]): Promise<{ file: string; text: string }[]> {
  const files = new Set<string>();
  for (const c of commands) {
    const entry = nodeEntry(c);
    if (entry) files.add(entry.replace(/^\.\//, ''));
  }
  if (typeof pkg.main === 'string' && pkg.main !== '') files.add(pkg.main.replace(/^\.\//, ''));
  for (const f of ENTRY_CANDIDATES) files.add(f);
  const out: { file: string; text: string }[] = [];
  for (const file of files) {
    const text = await readText(dir, file);
    if (text !== undefined) out.push({ file, text: text.slice(0, 200_000) });
  }
  return out;
}

function validPort(n: number): number | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

export function shellQuote(word: string): string {
  return /^[\w./@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
