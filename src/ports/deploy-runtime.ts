import type { Server } from '../core/model/records.js';
import type { BaseImageName } from '../core/plan/base-images.js';
import type { ContainerEngine } from './container-engine.js';
import type { EdgeProxy } from './edge-proxy.js';

/** The engine and proxy of a deployment target. */
export interface TargetRuntime {
  /** Names the target's provider in provider job logs (`local-docker`). */
  provider: string;
  engine: ContainerEngine;
  proxy: EdgeProxy;
  /**
   * Builds the base images planners use when they are missing or stale (no registry needed):
   * the named ones, by default static and every node runtime this target provides.
   */
  prepareBaseImages(names?: BaseImageName[]): Promise<void>;
}

export interface Targets {
  forServer(server: Server): TargetRuntime;
}

/** Starts and stops attempts in the background; owned by the control plane process. */
export interface DeploymentRunnerPort {
  start(deploymentId: string): void;
  /** Aborts a running attempt of this process; false when this process does not run it. */
  abort(deploymentId: string): boolean;
  isRunningHere(deploymentId: string): boolean;
  /**
   * For a `cancel-requested` attempt no runner of this process owns: `owner-notified` when a live
   * runner elsewhere owns it (it aborts on its next heartbeat), `ended` when it was ended
   * `canceled` here after accounting for its containers, `not-active` when it had already ended.
   */
  cancelUnowned(deploymentId: string): Promise<'owner-notified' | 'ended' | 'not-active'>;
}
