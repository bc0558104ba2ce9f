// Operations the CLI runs itself, with no control plane: they only read the error catalogue,
// which ships in the CLI. Names only, so the manifest can say so without loading them.

const OFFLINE = new Set(['errors.explain', 'errors.list']);

export const isOffline = (name: string): boolean => OFFLINE.has(name);
