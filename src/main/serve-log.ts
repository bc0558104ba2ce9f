import { rotateBySize, type RotationPolicy } from '../platform/log-rotation.js';

// The log of a background `berth serve` (the one the CLI starts on first use writes its output
// to `<BERTH_HOME>/serve.log`, named in BERTH_SERVE_LOG) is rotated by size while it runs:
// checked at start and then every BERTH_SERVE_LOG_CHECK_MS. A foreground or systemd `berth serve`
// writes to its terminal or the journal and has no such file.

const MIB = 1024 * 1024;

export interface ServeLogSettings extends RotationPolicy {
  file: string;
  everyMs: number;
}

const num = (raw: string | undefined, fallback: number, min: number) => {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= min ? n : fallback;
};

export function serveLogSettings(env: NodeJS.ProcessEnv): ServeLogSettings | undefined {
  if (!env.BERTH_SERVE_LOG) return undefined;
  return {
    file: env.BERTH_SERVE_LOG,
    maxBytes: num(env.BERTH_SERVE_LOG_MAX_BYTES, 10 * MIB, 1),
    keep: Math.floor(num(env.BERTH_SERVE_LOG_KEEP, 3, 0)),
    everyMs: num(env.BERTH_SERVE_LOG_CHECK_MS, 30_000, 10),
  };
}

/** Starts rotating the background log; returns the stop. */
export function rotateServeLog(settings: ServeLogSettings | undefined, log: (msg: string, err?: unknown) => void): () => void {
  if (!settings) return () => undefined;
  const check = () => {
    try {
      rotateBySize(settings.file, settings);
    } catch (err) {
      log(`serve log ${settings.file} not rotated`, err);
    }
  };
  check();
  const timer = setInterval(check, settings.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
