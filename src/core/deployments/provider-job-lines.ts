/** Lines kept per provider job (the newest: a build's failure is at its end). */
export const MAX_JOB_LINES = 1000;
