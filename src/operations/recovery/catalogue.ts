import { cleanupPreview } from '../previews/cleanup.js';
import { archiveDeployment } from './archive.js';
import { cancelDeployment } from './cancel.js';
import { pruneDeployments } from './prune.js';
import { recoveryReadiness } from './readiness.js';
import { redeployResource } from './redeploy.js';
import { relinkResource } from './relink.js';
import { retryDeployment } from './retry.js';
import { rollbackDeployment } from './rollback.js';

/** Recovery operations, spread into the catalogue. */
export const RECOVERY_OPERATIONS = [
  recoveryReadiness,
  retryDeployment,
  redeployResource,
  rollbackDeployment,
  cancelDeployment,
  archiveDeployment,
  pruneDeployments,
  relinkResource,
  cleanupPreview,
] as const;
