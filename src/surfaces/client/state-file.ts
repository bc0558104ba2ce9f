export { processAlive } from '../../platform/process-alive.js';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Where the local control plane says how to reach it: pid, url and token, readable only by the
// user (like a docker context). The token here is the client's credential; the store keeps a hash.

export interface ControlPlaneState {
  pid: number;
  url: string;
  token: string;
  startedAt: string;
  version: string;
}

export function berthHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_HOME ?? join(homedir(), '.berth');
}

export function stateFilePath(home: string): string {
  return join(home, 'control-plane.json');
}

export function readControlPlaneState(home: string): ControlPlaneState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(stateFilePath(home), 'utf8')) as ControlPlaneState;
    return typeof parsed.pid === 'number' && typeof parsed.url === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeControlPlaneState(home: string, state: ControlPlaneState): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const tmp = `${stateFilePath(home)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, stateFilePath(home));
}

export function removeControlPlaneState(home: string, pid: number): void {
  if (readControlPlaneState(home)?.pid === pid) rmSync(stateFilePath(home), { force: true });
}
