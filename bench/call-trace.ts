// BENCH_TRACE's call timeline for benches that run the control plane in their own process: every
// call to the engine, the proxy, the prober and the store, with when it began and how long it took,
// relative to a mark the bench sets. Bench only: it wraps the objects' methods in place.

interface Call {
  name: string;
  at: number;
  ms: number;
}

export class CallTrace {
  private calls: Call[] = [];
  private t0 = performance.now();

  /** Forgets the calls so far: times are from now. */
  mark(): void {
    this.calls = [];
    this.t0 = performance.now();
  }

  /** Times every method of `obj` (own and inherited, up to Object.prototype) as `label.method`. */
  wrap(label: string, obj: object, only?: string[]): void {
    const target = obj as Record<string, unknown>;
    const names = new Set<string>();
    for (let p: object | null = obj; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor' && typeof target[n] === 'function') names.add(n);
    }
    for (const n of only ?? names) {
      const fn = target[n] as (...args: unknown[]) => unknown;
      target[n] = (...args: unknown[]) => {
        const at = performance.now();
        const out = fn.apply(obj, args);
        if (out instanceof Promise) {
          return out.finally(() => this.calls.push({ name: `${label}.${n}`, at: at - this.t0, ms: performance.now() - at }));
        }
        this.calls.push({ name: `${label}.${n}`, at: at - this.t0, ms: performance.now() - at });
        return out;
      };
    }
  }

  /** Times the store's repositories, its transactions, and the repositories inside each transaction (`tx.<repo>`). */
  wrapStore(store: { transaction: (fn: (tx: Record<string, object>) => Promise<unknown>) => Promise<unknown> } & Record<string, unknown>, repos: string[]): void {
    for (const repo of repos) this.wrap(`store.${repo}`, store[repo] as object);
    const transaction = store.transaction.bind(store);
    store.transaction = (fn) =>
      transaction((tx) => {
        for (const repo of repos) this.wrap(`tx.${repo}`, tx[repo]!);
        return fn(tx);
      });
    this.wrap('store', store, ['transaction']);
  }

  /** The calls since the mark that began before `untilMs`, in order. */
  lines(untilMs = Infinity): string[] {
    return this.calls
      .filter((c) => c.at <= untilMs)
      .sort((a, b) => a.at - b.at)
      .map((c) => `    +${c.at.toFixed(0).padStart(4)} ms ${c.ms.toFixed(1).padStart(6)} ms  ${c.name}`);
  }
}
