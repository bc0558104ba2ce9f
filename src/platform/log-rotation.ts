import { copyFileSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';

// Size-based rotation of a log another process writes. The writer keeps its file open in append
// mode (the background `berth serve` writes to the descriptor it was started with), so the file
// is copied to `<file>.1` and truncated in place rather than renamed: the writer carries on at the
// new end. Older generations shift up to `<file>.<keep>`; the one beyond is removed. A line
// written between the copy and the truncate can be lost, as with logrotate's copytruncate.

export interface RotationPolicy {
  /** Rotate once the file is larger than this. */
  maxBytes: number;
  /** Rotated generations kept beside the file (`.1` is the newest). */
  keep: number;
}

/** Rotates `file` when it outgrew the policy; true when it did. A missing file is not rotated. */
export function rotateBySize(file: string, policy: RotationPolicy): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size <= policy.maxBytes) return false;
  if (policy.keep < 1) {
    truncateSync(file, 0);
    return true;
  }
  rmSync(`${file}.${policy.keep}`, { force: true });
  for (let n = policy.keep - 1; n >= 1; n--) {
    try {
      renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    } catch {
      // that generation does not exist yet
    }
  }
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  return true;
}
