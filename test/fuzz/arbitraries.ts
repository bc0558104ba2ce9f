import fc from 'fast-check';
import { z } from 'zod';
import type { Operation } from '../../src/operations/operation.js';

// Inputs for the fuzz suite: values generated from an operation's own input schema (its JSON
// Schema, the form every surface publishes), and hostile ones built on top of them.

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};

/** Ids that point nowhere, or somewhere they must not: never a fixture's id. */
export const hostileId = fc.constantFrom(
  '../../../../etc/passwd',
  '..',
  '..%2f..%2fetc',
  '/etc/shadow',
  'prj_../../x',
  'res_\u0000x',
  'dep_\ud800',
  '%00',
  'a/b/c',
  ' ',
  'id with spaces',
  'x'.repeat(5_000),
  '💥',
  'DROP TABLE resources;--',
);

const randomId = fc.oneof(
  fc.constantFrom('prj', 'env', 'res', 'srv', 'tok', 'dep', 'aud', 'wrk', 'hold', 'prv').chain((p) => fc.stringMatching(/^[0-9a-z]{26}$/).map((s) => `${p}_${s}`)),
  fc.string({ minLength: 1, maxLength: 30 }),
);

const isIdField = (name: string) => name === 'id' || /Id$/.test(name) || name === 'aggregate' || name === 'candidate';

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') return fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 10_000));
    } catch {
      // a pattern fast-check cannot generate from: plain strings below
    }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40), unit: 'grapheme' });
}

/** An arbitrary for the values a JSON Schema describes (bounded in size and depth). */
export function fromSchema(schema: Schema, field = '', depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => fromSchema(s, field, depth + 1)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0]!, field, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...schema, type }, field, depth + 1)));
  switch (types[0]) {
    case 'string':
      return isIdField(field) ? randomId : stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? (schema.exclusiveMinimum ?? -1e6 - 1) + 1), max: Math.floor(schema.maximum ?? (schema.exclusiveMaximum ?? 1e6 + 1) - 1) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schema.items ? fromSchema(schema.items, field, depth + 1) : fc.jsonValue({ maxDepth: 2 }), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromSchema(s, k, depth + 1)]));
      if (Object.keys(shape).length === 0) return fc.constant({});
      return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

export function inputSchemaOf(op: Operation): Schema {
  return z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as Schema;
}

/** Inputs the schema describes. For a dry-run guarded operation, dryRun stays true: fuzzing inputs must not delete history. */
export function validInput(op: Operation): fc.Arbitrary<Record<string, unknown>> {
  const schema = inputSchemaOf(op);
  return (fromSchema(schema) as fc.Arbitrary<Record<string, unknown>>).map((input) => ('dryRun' in (schema.properties ?? {}) ? { ...input, dryRun: true } : input));
}

const deep = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

const wrongType = fc.constantFrom<unknown>(0, -1, 1e308, true, null, [], [1, 2], {}, { nested: { x: 1 } }, '', 'string');

const someField = (base: Record<string, unknown>, op: Operation) => {
  const names = [...new Set([...Object.keys(base), ...Object.keys(inputSchemaOf(op).properties ?? {})])];
  return names.length > 0 ? fc.constantFrom(...names) : fc.constant('name');
};

export interface Hostile {
  /** What kind of trouble this input is, for the failure message. */
  kind: string;
  input: unknown;
}

/** One hostile mutation of a base input. */
export function hostileInput(op: Operation, base: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Hostile> {
  return base.chain((b) =>
    someField(b, op).chain((field) =>
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }).map((k) => ({ kind: 'unknown field', input: { ...b, [`x_${k}`]: 1 } })),
        fc.constant({ kind: 'many unknown fields', input: { ...b, ...Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`u${i}`, i])) } }),
        fc.constant({ kind: '__proto__', input: { ...b, ...(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as object) } }),
        fc.string({ maxLength: 10 }).map((s) => ({ kind: 'NUL', input: { ...b, [field]: `${s}\u0000${s}` } })),
        fc.constantFrom('\ud800', '\udfff', 'a\udbffb').map((s) => ({ kind: 'lone surrogate', input: { ...b, [field]: `x${s}` } })),
        fc.constant({ kind: 'huge string', input: { ...b, [field]: 'h'.repeat(300_000) } }),
        fc.integer({ min: 40, max: 3_000 }).map((d) => ({ kind: 'deep nesting', input: { ...b, [field]: deep(d) } })),
        wrongType.map((v) => ({ kind: 'wrong type', input: { ...b, [field]: v } })),
        hostileId.map((id) => ({ kind: 'hostile id', input: { ...b, [isIdField(field) ? field : 'id']: id } })),
        fc.constantFrom<unknown>([], [1], 'text', 42, null, true).map((v) => ({ kind: 'not an object', input: v })),
      ),
    ),
  );
}

/** Strings an error message must not repeat: every string of the input long enough to be recognisable. */
export function echoCandidates(input: unknown, min = 8): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [input];
  let budget = 10_000;
  while (stack.length > 0 && budget-- > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length >= min) out.add(v.slice(0, 200));
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.length >= min) out.add(k.slice(0, 200));
        stack.push(child);
      }
    }
  }
  return [...out];
}
