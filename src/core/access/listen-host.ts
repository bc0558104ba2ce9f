// The host part of a Caddy listen address, one reading for binding and for dialling it.

/** The addresses that stand for every address of their family. */
export const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/** `:443` → '', `127.0.0.5:443` → '127.0.0.5', `[::1]:443` → '::1' (a `tcp/` network prefix is dropped). */
export function listenHost(listen: string): string {
  return listen.slice(listen.indexOf('/') + 1, listen.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
}

/** Where a client reaches the listener: the host it names, else `fallback` (no host, or a wildcard). */
export function dialHost(listen: string, fallback: string): string {
  const host = listenHost(listen);
  return host && !WILDCARDS.has(host) ? host : fallback;
}
