import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { ROOT } from './paths.js';

// The fault suite's own Docker engine (scripts/start-fault-engine.sh): one it may stop and start
// again. The shared engine at /var/run/docker.sock is never stopped.

const SCRIPT = `${ROOT}scripts/start-fault-engine.sh`;

export interface FaultEngine {
  /** DOCKER_HOST of the private engine, for a control plane. */
  dockerHost: string;
  pidFile: string;
}

// Asynchronous: the control plane under test shares this process, and its event loop must keep running.
const run = async (cmd: 'start' | 'kill' | 'teardown'): Promise<string> => (await promisify(execFile)(SCRIPT, [cmd], { encoding: 'utf8', timeout: 120_000 })).stdout;

/** Starts the private engine (or finds it running) and reads the environment the script prints. */
export async function startFaultEngine(): Promise<FaultEngine> {
  const env = Object.fromEntries([...(await run('start')).matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { dockerHost: env.BERTH_FAULT_DOCKER_HOST!, pidFile: env.BERTH_FAULT_DOCKER_PIDFILE! };
}

/** SIGKILL of the private dockerd, by its pid: the fault. */
export async function killFaultEngine(): Promise<void> {
  await run('kill');
}

export const faultEnginePid = (e: FaultEngine): number => Number(readFileSync(e.pidFile, 'utf8').trim());

export const faultDocker = (e: FaultEngine): Docker => new Docker({ socketPath: e.dockerHost.replace(/^unix:\/\//, '') });

/** Removes the containers and networks of these resources from the private engine. */
export async function removeFaultRuntimeOf(e: FaultEngine, resourceIds: readonly string[]): Promise<void> {
  const d = faultDocker(e);
  for (const id of resourceIds) {
    const label = [`dev.berth.resource=${id}`];
    for (const c of await d.listContainers({ all: true, filters: { label } }).catch(() => [])) await d.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of await d.listNetworks({ filters: { label } }).catch(() => [])) await d.getNetwork(n.Id).remove().catch(() => undefined);
  }
}
