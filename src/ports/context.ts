import type { Actor } from '../core/model/records.js';
import type { Store } from './store.js';
import type { Diagnostics } from './diagnostics.js';

/** What a handler may use. Built by the composition root; handlers never construct adapters. */
export interface OperationContext {
  store: Store;
  actor: Actor;
  now(): Date;
  diagnostics: Diagnostics;
  /** Settings the control plane runs with, safe to show. */
  settings: ControlPlaneSettings;
}

export interface ControlPlaneSettings {
  home: string;
  version: string;
  listen: string;
  baseDomain: string;
  proxyAdminUrl: string;
}
