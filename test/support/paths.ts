import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_ROOT = `${ROOT}.berth-test`;
export const TEMPLATE_PGDATA = `${TEST_ROOT}/template-pgdata`;
export const BIN = `${ROOT}bin/berth.js`;
export const TEMPLATE_DATABASE = 'berth_template';
