import type { z } from 'zod';

// CLI options derived from an operation's input schema: one `--kebab-case` option per top-level
// field; scalars as values, objects and arrays as JSON.

export type OptionKind = 'string' | 'number' | 'boolean' | 'json';

export interface FieldOption {
  field: string;
  flag: string;
  kind: OptionKind;
  required: boolean;
  description: string;
  /** The values an enum field accepts. */
  choices?: string[];
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function kindOf(schema: z.ZodType): OptionKind {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
      return kindOf(def.innerType!);
    case 'pipe':
      return kindOf(def.in!);
    case 'union':
      return kindOf(def.options![0]!);
    case 'string':
    case 'enum':
    case 'literal':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

function choicesOf(schema: z.ZodType): string[] | undefined {
  const def = defOf(schema);
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') return choicesOf(def.innerType!);
  return def.type === 'enum' && def.entries ? Object.values(def.entries) : undefined;
}

export const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function fieldOptions(input: z.ZodType): FieldOption[] {
  const shape = (input as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).map(([field, schema]) => {
    const optional = (schema as unknown as { isOptional(): boolean }).isOptional();
    const choices = choicesOf(schema);
    return {
      field,
      flag: kebab(field),
      kind: kindOf(schema),
      required: !optional,
      description: (schema as unknown as { description?: string }).description ?? '',
      ...(choices ? { choices } : {}),
    };
  });
}

/** Converts a CLI string to the field's type; JSON that does not parse is left for validation. */
export function convertValue(kind: OptionKind, raw: string): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}
