import type { Operation } from '../operation.js';
import { serverCapacity } from './capacity.js';
import { resourceDiagnose } from './diagnose.js';
import { resourceLogs } from './logs.js';
import { pruneServerRuntime } from './prune-runtime.js';
import { serverTest } from './server-test.js';

/** Diagnostics of resources and servers (issue 4, scope 6). */
export const DIAGNOSTIC_OPERATIONS = [resourceLogs, resourceDiagnose, serverTest, serverCapacity, pruneServerRuntime] as unknown as readonly Operation[];
