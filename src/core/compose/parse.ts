import { stringify } from 'yaml';
import { BerthError } from '../errors/berth-error.js';
import type { Phase } from '../errors/types.js';
import { issuesFromZod, validationError, type ValidationIssue } from '../errors/validation.js';
import { isMapping, parseYamlText } from '../config/yaml-text.js';
import { withAlternatives } from './alternatives.js';
import { checkCompose, type ComposeCheckOptions } from './checks.js';
import { escapeTree, interpolateTree, type Variables } from './interpolate.js';
import { rejectLegacyFields } from './legacy.js';
import type { ComposeModel } from './model.js';
import { normalizeCompose } from './normalize.js';
import { composeDocumentSchema, type ComposeDocument } from './schema.js';

// Compose text -> validated document -> typed model. Two steps because the CLI stops in the
// middle: it parses, folds env_file (env-file.ts) and sends the document; the control plane
// then builds the model, which refuses a leftover env_file.
//
// Check order: YAML syntax (parse_failed), variables (compose_variable_unresolved, from
// `variables`: the CLI passes the shell and `.env`, the control plane none, so only `$$` and
// defaults resolve there), legacy spellings (legacy_compose_field), schema
// (validation_failed), env_file (env_file_unresolved), grammar inside strings
// (validation_failed), references (unknown_network, unknown_service), host ports
// (reserved_port, port_conflict).

export interface ParsedComposeDocument {
  document: ComposeDocument;
  warnings: string[];
}

/**
 * YAML syntax, legacy spellings and schema. `version` is tolerated with a warning (the modern
 * spec ignores it) and `x-*` extension keys are dropped: they only feed YAML anchors.
 * `phase` is where parse_failed / validation_failed are reported (default command-validation).
 */
export function parseComposeDocument(text: string, file: string, phase?: Phase, variables: Variables = {}): ParsedComposeDocument {
  const raw = parseYamlText(text, file, phase);
  if (!isMapping(raw)) throw withPhase(validationError([{ code: 'invalid_input', path: '(input)', message: 'A compose file is a mapping.' }]), phase);
  const warnings: string[] = [];
  const { version, ...rest } = withPhaseOnThrow(() => interpolateTree(withoutExtensions(raw), variables) as Record<string, unknown>, phase);
  if (version !== undefined) warnings.push('The top-level `version` field is obsolete and ignored.');
  rejectLegacyFields(rest);
  const result = composeDocumentSchema.safeParse(rest, { reportInput: true });
  if (!result.success) throw withPhase(validationError(withAlternatives(issuesFromZod(result.error))), phase);
  return { document: result.data, warnings };
}

/** Validated document -> model; the control plane's entry point (env_file must be folded). */
export function composeModel(document: ComposeDocument, warnings: string[] = [], phase?: Phase, checks: ComposeCheckOptions = {}): ComposeModel {
  for (const [service, body] of Object.entries(document.services)) {
    if (body.env_file !== undefined) {
      throw new BerthError('env_file_unresolved', `Service ${service} still carries env_file: the client must fold it into environment.`, { service });
    }
  }
  const issues: ValidationIssue[] = [];
  const model = normalizeCompose(document, issues);
  if (issues.length > 0) throw withPhase(validationError(issues), phase);
  checkCompose(model, checks);
  return { ...model, warnings: [...warnings, ...model.warnings] };
}

/** Both steps, for a document that must already be folded. */
export function parseCompose(text: string, file: string, phase?: Phase, checks: ComposeCheckOptions = {}): ComposeModel {
  const { document, warnings } = parseComposeDocument(text, file, phase);
  return composeModel(document, warnings, phase, checks);
}

/** The text the CLI sends as PlanRequest.composeDocument after folding: every `$` left is literal. */
export function stringifyComposeDocument(document: ComposeDocument): string {
  return stringify(escapeTree(document));
}

/** Drops `x-*` keys where the spec allows them: top level, services, networks, volumes. */
function withoutExtensions(doc: Record<string, unknown>): Record<string, unknown> {
  const strip = (o: unknown): unknown => (isMapping(o) ? Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x-'))) : o);
  const stripEach = (o: unknown): unknown => (isMapping(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, strip(v)])) : o);
  const top = strip(doc) as Record<string, unknown>;
  for (const key of ['services', 'networks', 'volumes']) if (key in top) top[key] = stripEach(top[key]);
  return top;
}

function withPhaseOnThrow<T>(fn: () => T, phase: Phase | undefined): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof BerthError && err.code === 'validation_failed' ? withPhase(err, phase) : err;
  }
}

function withPhase(err: BerthError, phase: Phase | undefined): BerthError {
  return phase ? new BerthError(err.code, err.message, err.details, phase) : err;
}
