import { readFileSync } from 'node:fs';

/**
 * CPU time a process has used so far, in clock ticks (user + system, from /proc/<pid>/stat);
 * undefined without procfs or once the process is gone. A process whose CPU time grows is working,
 * however slowly the machine runs it.
 */
export function processCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
