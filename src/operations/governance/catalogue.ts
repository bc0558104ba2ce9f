import type { Operation } from '../operation.js';
import { exportAuditEvents, exportGlobalAuditEvents } from '../audit/export.js';
import { configureLegalHold, listLegalHolds, releaseLegalHold } from '../audit/legal-holds.js';
import { listAuditEvents, showAuditEvent } from '../audit/list.js';
import { pruneAuditEvents } from '../audit/prune.js';
import { verifyAuditChain } from '../audit/verify.js';
import { configureRetentionDefault, listRetentionDefaults, showRetentionDefault } from '../retention/retention.js';
import { listSecrets, setSecret, unsetSecret } from '../secrets/secrets.js';
import { listWork, showWork } from '../work/work.js';
import { watchWork } from '../work/watch.js';
import { pruneDomainEvents } from './domain-events.js';
import { pruneProviderJobLogs } from './provider-job-logs.js';

/** History and governance operations (issue 5), listed in the main catalogue. */
export const GOVERNANCE_OPERATIONS = [
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
] as unknown as readonly Operation[];
