import { stringify } from 'yaml';
import type { ErrorObject } from '../../core/errors/types.js';

export function renderErrorHuman(e: ErrorObject): string {
  const lines = [`error ${e.code} [${e.category}, phase ${e.phase}]`, `  ${e.message}`];
  const details = Object.entries(e.details);
  if (details.length > 0) {
    lines.push('  details:');
    for (const [k, v] of details) lines.push(`    ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  if (e.remedies.length > 0) {
    lines.push('  remedies:');
    for (const r of e.remedies) lines.push(`    - ${r.title}${r.command ? `: ${r.command}` : ''}${r.safeByDefault ? '' : ' (not safe by default)'}`);
  }
  lines.push(`  who acts: ${e.responsibility} (${e.actionability})${e.retryable ? ', retryable' : ''}`);
  lines.push(`  docs: ${e.links.docs}`);
  return lines.join('\n');
}

export function renderHuman(data: unknown): string {
  return stringify(data, { lineWidth: 120 }).trimEnd();
}
