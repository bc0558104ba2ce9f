export { processAlive } from '../../platform/process-alive.js';
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';

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
  return readJsonFile<ControlPlaneState>(stateFilePath(home), (s) => typeof s.pid === 'number' && typeof s.url === 'string');
}

export function writeControlPlaneState(home: string, state: ControlPlaneState): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeJsonFile(stateFilePath(home), state, 2);
}

export function removeControlPlaneState(home: string, pid: number): void {
  if (readControlPlaneState(home)?.pid === pid) rmSync(stateFilePath(home), { force: true });
}
