import type { Server } from '../core/model/records.js';
import type { BaseImageName } from '../core/plan/base-images.js';
import type { ContainerEngine } from './container-engine.js';
import type { EdgeProxy } from './edge-proxy.js';
import type { HttpProber, HttpsProber } from './http-prober.js';
import type { HeldLock } from './remote-state.js';

/** The engine and proxy of a deployment target. */
export interface TargetRuntime {
  /** Names the target's provider in provider job logs (`local-docker`, `ssh-docker`). */
  provider: string;
  engine: ContainerEngine;
  proxy: EdgeProxy;
  /**
   * Probes from the target's side: health checks reach a container's address as the target's
   * own host does (over SSH for a server), never assuming the control plane can route to it.
   */
  prober: HttpProber;
  /** HTTPS checks of custom domains against the target's edge (absent: not checked there). */
  httpsProber?: HttpsProber;
  /** Where the target's edge answers clients (access URLs are checked there, as a user would). */
  edgeHost: string;
  /** The base domain of generated URLs on this target, when the target sets one. */
  baseDomain?: string;
  /**
   * Takes the target's mutation lock for one attempt or work item (an SSH server's state-root
   * lock); absent where the control plane's own store serialises mutations (the local server).
   */
  lock?(correlationId: string, signal: AbortSignal): Promise<HeldLock>;
  /**
   * Copies an image the control plane's own engine holds onto the target (no registry needed);
   * undefined when the control plane does not hold it. Absent for the local target.
   */
  carryImage?(ref: string, signal: AbortSignal): Promise<string | undefined>;
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
