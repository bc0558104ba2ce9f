import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';

// How far a starting `berth serve` has got: it names each stage as it enters it, so a CLI waiting
// for it follows progress instead of a fixed timeout (a loaded machine may take a long time).

export type StartStage = 'starting' | 'store-unpack' | 'store-open' | 'store-migrate' | 'services' | 'listening';

export interface StartProgress {
  pid: number;
  stage: StartStage;
  at: string;
}

const progressFile = (home: string) => join(home, 'serve-progress.json');

export function writeStartProgress(home: string, pid: number, stage: StartStage): void {
  try {
    writeJsonFile(progressFile(home), { pid, stage, at: new Date().toISOString() });
  } catch {
    // progress is advisory: a start never fails because it could not be reported
  }
}

export function readStartProgress(home: string): StartProgress | undefined {
  return readJsonFile<StartProgress>(progressFile(home), (p) => typeof p.pid === 'number' && typeof p.stage === 'string');
}

/** Removes the file once this process is up (or gone), unless another start wrote it since. */
export function removeStartProgress(home: string, pid: number): void {
  if (readStartProgress(home)?.pid === pid) rmSync(progressFile(home), { force: true });
}
