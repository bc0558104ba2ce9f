import type { Operation } from './operation.js';
import { pruneDomainEvents } from './audit/domain-events.js';
import { exportAuditEvents, exportGlobalAuditEvents } from './audit/export.js';
import { configureLegalHold, listLegalHolds, releaseLegalHold } from './audit/legal-holds.js';
import { listAuditEvents, showAuditEvent } from './audit/list.js';
import { pruneAuditEvents } from './audit/prune.js';
import { verifyAuditChain } from './audit/verify.js';
import { archiveDeployment } from './deployments/archive.js';
import { cancelDeployment } from './deployments/cancel.js';
import { createDeployment, listDeployments, showDeployment } from './deployments/create.js';
import { deploymentEvents } from './deployments/events.js';
import { planPreview } from './deployments/plan-preview.js';
import { pruneProviderJobLogs } from './deployments/provider-job-logs-prune.js';
import { deploymentProviderLog } from './deployments/provider-log.js';
import { pruneDeployments } from './deployments/prune.js';
import { recoveryReadiness } from './deployments/recovery-readiness.js';
import { retryDeployment } from './deployments/retry.js';
import { rollbackDeployment } from './deployments/rollback.js';
import { createEnvironment, listEnvironments, showEnvironment } from './environments/environments.js';
import { explainError, listErrors } from './errors/explain.js';
import { cleanupPreview } from './previews/cleanup.js';
import { createProject, listProjects, showProject } from './projects/projects.js';
import { resourceDiagnose } from './resources/diagnose.js';
import { resourceLogs } from './resources/logs.js';
import { redeployResource } from './resources/redeploy.js';
import { relinkResource } from './resources/relink.js';
import { configureResource, createResource, listResources, showResource } from './resources/resources.js';
import { listSecrets, setSecret, unsetSecret } from './resources/secrets.js';
import { configureRetentionDefault, listRetentionDefaults, showRetentionDefault } from './retention/retention.js';
import { serverCapacity } from './servers/capacity.js';
import { pruneServerRuntime } from './servers/prune-runtime.js';
import { inspectRemoteStateLock, recoverStaleRemoteStateLock } from './servers/remote-state.js';
import { serverTest } from './servers/server-test.js';
import { listServers, pinHostKey, registerServer, showServer } from './servers/servers.js';
import { configureServer } from './servers/server-acme.js';
import { stopProxy } from './proxy/stop.js';
import { doctor } from './system/doctor.js';
import { health } from './system/health.js';
import { issueTokenOp, listTokens, revokeToken } from './tokens/tokens.js';
import { addDomain, listDomains, removeDomain } from './domains/domains.js';
import { issueSignInLink } from './sessions/sessions.js';
import { watchWork } from './work/watch.js';
import { listWork, showWork } from './work/work.js';

/**
 * Every operation of Berth. Surfaces derive their commands, routes and tools from this list; the
 * handlers live in one folder per aggregate (deployments, resources, servers, audit, ...).
 */
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
  configureServer,
  pinHostKey,
  listServers,
  showServer,
  issueTokenOp,
  addDomain,
  listDomains,
  removeDomain,
  listTokens,
  revokeToken,
  issueSignInLink,
  planPreview,
  createDeployment,
  showDeployment,
  listDeployments,
  deploymentEvents,
  deploymentProviderLog,
  listWork,
  showWork,
  watchWork,
  listAuditEvents,
  showAuditEvent,
  exportAuditEvents,
  exportGlobalAuditEvents,
  verifyAuditChain,
  pruneAuditEvents,
  configureLegalHold,
  listLegalHolds,
  releaseLegalHold,
  configureRetentionDefault,
  listRetentionDefaults,
  showRetentionDefault,
  pruneProviderJobLogs,
  pruneDomainEvents,
  setSecret,
  unsetSecret,
  listSecrets,
  recoveryReadiness,
  retryDeployment,
  redeployResource,
  rollbackDeployment,
  cancelDeployment,
  archiveDeployment,
  pruneDeployments,
  relinkResource,
  cleanupPreview,
  resourceLogs,
  resourceDiagnose,
  serverTest,
  serverCapacity,
  pruneServerRuntime,
  inspectRemoteStateLock,
  recoverStaleRemoteStateLock,
  stopProxy,
] as unknown as readonly Operation[];

export function findOperation(name: string): Operation | undefined {
  return OPERATIONS.find((op) => op.name === name);
}
