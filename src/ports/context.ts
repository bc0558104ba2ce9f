import type { ControlPlaneAcme } from '../core/domains/server-acme.js';
import type { Actor } from '../core/model/records.js';
import type { Store } from './store.js';
import type { Diagnostics } from './diagnostics.js';
import type { DeploymentRunnerPort, Targets } from './deploy-runtime.js';
import type { HttpProber } from './http-prober.js';
import type { Planner, SourceReader } from './sources.js';
import type { SecretCipher } from './secrets.js';
import type { UploadStore } from './uploads.js';
import type { RemoteStateRoots } from './remote-state.js';
import type { ServerSsh } from './server-ssh.js';

/** What a handler may use. Built by the composition root; handlers never construct adapters. */
export interface OperationContext {
  store: Store;
  actor: Actor;
  now(): Date;
  diagnostics: Diagnostics;
  /** Settings the control plane runs with, safe to show. */
  settings: ControlPlaneSettings;
  deploy: DeployContext;
  /** Seals resource secret values before they reach the store. */
  secrets: SecretCipher;
  /** The state roots of SSH servers (their lock and journal). */
  remoteState: RemoteStateRoots;
  /** SSH connections to registered servers (their credentials stay sealed outside this port). */
  ssh: ServerSsh;
}

/** What deployment operations use: the runner and read-only access to sources, planners and targets. */
export interface DeployContext {
  runner: DeploymentRunnerPort;
  targets: Targets;
  sources: SourceReader;
  planner: Planner;
  prober: HttpProber;
  workRoot: string;
  /** Sources uploaded by remote clients, kept under workRoot until read or expired. */
  uploads: UploadStore;
  /** Event streams: how often to look for new events, and to send a heartbeat. */
  streamPollMs: number;
  streamHeartbeatMs: number;
}

export interface ControlPlaneSettings {
  home: string;
  version: string;
  listen: string;
  /** How the API is served: https, plain http on loopback, or plain http beyond it (--insecure-http). */
  transport: 'https' | 'http' | 'insecure-http';
  /** Where clients reach the API, as `berth serve --public-url` recorded it. */
  publicUrl?: string;
  /** The public URL's host when the local edge serves the API there: no resource may have it as a domain. */
  publicEdgeHost?: string;
  baseDomain: string;
  httpPort: number;
  /** Whether the edge has its HTTPS listener (domains with tls: auto need it). */
  https: boolean;
  /** This control plane's ACME CA and email: a server without its own uses them (effectiveAcme). */
  acme: ControlPlaneAcme;
}
