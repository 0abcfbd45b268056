import { z } from 'zod';
import type { JsonSchema } from './types.js';

// Zod schemas as the JSON Schemas embedded in the document, and the notes a zod schema cannot carry by itself.

const SERVER_SET =
  'Set by the server: accepted and ignored on input, so the output of GET can be edited and sent back.';

/** A custom check (`.refine`) has no JSON Schema form; its message becomes part of the description instead. */
function refinementNotes(schema: z.core.$ZodType): string[] {
  const notes: string[] = [];
  for (const check of schema._zod.def.checks ?? []) {
    if (check._zod.def.check !== 'custom') continue;
    const errorMap = check._zod.def.error as ((issue: { input: unknown }) => unknown) | undefined;
    const message = errorMap?.({ input: undefined });
    const text = typeof message === 'string' ? message : (message as { message?: unknown } | undefined)?.message;
    notes.push(
      typeof text === 'string'
        ? `Also checked by the server (refused with: "${text}").`
        : 'Also checked by the server.',
    );
  }
  return notes;
}

function annotate(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }) {
  const { zodSchema, jsonSchema } = ctx;
  const notes = refinementNotes(zodSchema);
  if (zodSchema._zod.def.type === 'unknown') {
    jsonSchema.readOnly = true;
    notes.push(SERVER_SET);
  }
  // Noise for a reader: z.int()'s safe-integer bounds and the patterns of z.uuid() and z.iso.datetime() (their
  // format says it).
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.format === 'uuid' || jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  const fresh = notes.filter((n) => !jsonSchema.description?.includes(n));
  if (fresh.length) jsonSchema.description = [jsonSchema.description, ...fresh].filter(Boolean).join(' ');
}

/** A zod schema as a self-contained JSON Schema (no $schema, no $defs: it is embedded in the document). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json: JsonSchema = z.toJSONSchema(schema, { io, reused: 'inline', override: annotate });
  delete json.$schema;
  const text = JSON.stringify(json);
  if (text.includes('"$defs"') || text.includes('"$ref"')) throw new Error('expected a self-contained JSON Schema');
  return json;
}

/** The property at `path` (through `properties`), for a note the zod schema cannot carry by itself. */
export function property(schema: JsonSchema, ...path: string[]): JsonSchema {
  let at = schema;
  for (const key of path) {
    const next = at.properties?.[key];
    if (!next || typeof next !== 'object') throw new Error(`schema has no property ${path.join('.')}`);
    at = next;
  }
  return at;
}

export function describe(schema: JsonSchema, text: string): void {
  schema.description = [schema.description, text].filter(Boolean).join(' ');
}
