// Compose's size and duration grammars. Each returns undefined for text it does not accept, so
// the caller can name the field in a validation issue.

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1m30s", "500ms", "10s" -> milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (DURATION_UNITS[p[2] ?? ''] ?? 0), 0));
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "512m", "1.5g", "1024k", or a byte count -> MiB, rounded up so a limit never shrinks. */
export function parseMemoryMb(value: string | number): number | undefined {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(value.trim());
    if (!m) return undefined;
    bytes = Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1);
  }
  const mb = Math.ceil(bytes / 1024 ** 2);
  return mb > 0 ? mb : undefined;
}

/** "0.5" or 0.5 -> 0.5; zero and negatives are not a limit. */
export function parseCpus(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
