import type { Operation } from './operation.js';
import { GOVERNANCE_OPERATIONS } from './governance/catalogue.js';
import { RECOVERY_OPERATIONS } from './recovery/catalogue.js';
import { DIAGNOSTIC_OPERATIONS } from './diagnostics/catalogue.js';
import { createEnvironment, listEnvironments, showEnvironment } from './environments/environments.js';
import { explainError, listErrors } from './errors/explain.js';
import { createProject, listProjects, showProject } from './projects/projects.js';
import { configureResource, createResource, listResources, showResource } from './resources/resources.js';
import { listServers, registerServer, showServer } from './servers/servers.js';
import { createDeployment, listDeployments, showDeployment } from './deployments/create.js';
import { deploymentEvents } from './deployments/events.js';
import { deploymentProviderLog } from './deployments/provider-log.js';
import { planPreview } from './deployments/plan-preview.js';
import { stopProxy } from './proxy/stop.js';
import { doctor } from './system/doctor.js';
import { health } from './system/health.js';
import { issueTokenOp, listTokens, revokeToken } from './tokens/tokens.js';

/** Every operation of Berth. Surfaces derive their commands, routes and tools from this list. */
export const OPERATIONS: readonly Operation[] = [
  health,
  doctor,
  explainError,
  listErrors,
  createProject,
  listProjects,
  showProject,
  createEnvironment,
  listEnvironments,
  showEnvironment,
  createResource,
  configureResource,
  listResources,
  showResource,
  registerServer,
  listServers,
  showServer,
  issueTokenOp,
  listTokens,
  revokeToken,
  planPreview,
  createDeployment,
  showDeployment,
  listDeployments,
  deploymentEvents,
  deploymentProviderLog,
  stopProxy,
  ...GOVERNANCE_OPERATIONS,
  ...RECOVERY_OPERATIONS,
  ...DIAGNOSTIC_OPERATIONS,
] as unknown as readonly Operation[];

export function findOperation(name: string): Operation | undefined {
  return OPERATIONS.find((op) => op.name === name);
}
