// The console's view of the API, derived from the operation catalogue's schemas (types only:
// nothing of the server is bundled). A field renamed in an operation breaks the console's build.
import type { z } from 'zod';
import type { ErrorObject } from '../../src/core/errors/types.js';
import type { Envelope } from '../../src/operations/deployments/event-stream.js';
import type { showDeployment, listDeployments } from '../../src/operations/deployments/create.js';
import type { deploymentProviderLog } from '../../src/operations/deployments/provider-log.js';
import type { recoveryReadiness } from '../../src/operations/deployments/recovery-readiness.js';
import type { listResources, showResource } from '../../src/operations/resources/resources.js';
import type { SessionView } from '../../src/operations/sessions/sessions.js';
import type { exportGlobalAuditEvents } from '../../src/operations/audit/export.js';
import type { serverCapacity } from '../../src/operations/servers/capacity.js';
import type { serverTest } from '../../src/operations/servers/server-test.js';
import type { listServers } from '../../src/operations/servers/servers.js';
import type { issueTokenOp, listTokens } from '../../src/operations/tokens/tokens.js';
import type { listWork } from '../../src/operations/work/work.js';
import type { pruneDeployments } from '../../src/operations/deployments/prune.js';
import type { pruneAuditEvents } from '../../src/operations/audit/prune.js';
import type { pruneProviderJobLogs } from '../../src/operations/deployments/provider-job-logs-prune.js';
import type { pruneDomainEvents } from '../../src/operations/audit/domain-events.js';

export type { ErrorObject, Envelope, SessionView };
export type Out<Op extends { output: z.ZodType }> = z.output<Op['output']>;

export type ResourceList = Out<typeof listResources>;
export type ResourceDetail = Out<typeof showResource>;
export type ResourceStatus = ResourceDetail['status'];
export type Deployment = Out<typeof showDeployment>;
export type DeploymentList = Out<typeof listDeployments>;
export type ProviderLog = Out<typeof deploymentProviderLog>;
export type Readiness = Out<typeof recoveryReadiness>;
export type RecoveryAction = keyof Readiness['actions'];
/** An error object as operations return it (the deployment's recorded one is its output-schema view). */
export type ShownError = ErrorObject | NonNullable<Deployment['error']>;
export type ServerList = Out<typeof listServers>;
export type ServerTest = Out<typeof serverTest>;
export type ServerCapacity = Out<typeof serverCapacity>;
export type TokenList = Out<typeof listTokens>;
export type IssuedToken = Out<typeof issueTokenOp>;
export type WorkList = Out<typeof listWork>;
export type AuditExport = Out<typeof exportGlobalAuditEvents>;
/** What any history prune answers (dry or destructive). */
export type PruneResult = Out<typeof pruneDeployments> | Out<typeof pruneAuditEvents> | Out<typeof pruneProviderJobLogs> | Out<typeof pruneDomainEvents>;
