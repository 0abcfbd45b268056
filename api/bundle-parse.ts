import { parseAllDocuments } from 'yaml';
import { safeLine } from '../safe-text.js';
import type { BundleOperation } from './bundle-model.js';
import { z } from 'zod';
import { baseImageBodySchema, type BaseImageBody } from './base-image-model.js';
import { ApiError, validationMessage } from './errors.js';
import { imageBodySchema, type ImageBody } from './image-model.js';
import { nameSchema } from './resource-schema.js';

type Located = { index: number; label: string; name: string };
export type BundleDocument =
  (Located & { kind: 'BaseImage'; body?: BaseImageBody }) | (Located & { kind: 'Image'; body?: ImageBody });

const KINDS = ['BaseImage', 'Image'] as const;
const header = z.looseObject({
  kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(', ')}` }),
  name: nameSchema,
});

/** The documents of a bundle as plain values: a YAML stream, or one YAML (or JSON) document holding a list. */
function documentValues(text: string, maxDocuments: number): unknown[] {
  const tooMany = (count: number) =>
    new ApiError(
      400,
      `bundle: ${count} documents, more than a bundle may hold (${maxDocuments}, BUNDLE_MAX_DOCUMENTS)`,
    );
  const parsed = parseAllDocuments(text);
  // Counted before anything is converted or validated: a bundle of thousands of documents costs nothing to refuse.
  if (parsed.length > maxDocuments) throw tooMany(parsed.length);
  const values = parsed.map((doc, index) => {
    if (doc.errors.length) throw new ApiError(400, `bundle document ${index}: invalid YAML: ${doc.errors[0]?.message}`);
    // A cap on alias expansion keeps a "billion laughs" document from exhausting memory; past it, toJS throws.
    try {
      return doc.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (err) {
      throw new ApiError(400, `bundle document ${index}: ${safeLine((err as Error).message, 200)}`);
    }
  });
  const [only] = values;
  if (values.length !== 1 || !Array.isArray(only)) return values;
  if (only.length > maxDocuments) throw tooMany(only.length);
  return only as unknown[];
}

/**
 * Parses a YAML bundle with a real YAML parser and validates every document with the API's own schemas. Any
 * problem refuses the whole bundle, naming the document by index, kind and name. `delete` only needs each
 * document's kind and name.
 */
export function parseBundle(
  text: string,
  operation: BundleOperation,
  { languages, maxDocuments }: { languages: readonly string[]; maxDocuments: number },
): BundleDocument[] {
  const documents: BundleDocument[] = [];
  const seen = new Set<string>();
  documentValues(text, maxDocuments).forEach((value, index) => {
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    const head = header.safeParse(value);
    if (!head.success) throw new ApiError(400, validationMessage(`bundle document ${index}`, head.error));
    const { kind, name } = head.data;
    const label = `bundle document ${index} (${kind} ${name})`;
    if (seen.has(`${kind}/${name}`)) throw new ApiError(400, `${label}: ${kind} ${name} appears twice in the bundle`);
    seen.add(`${kind}/${name}`);
    if (operation === 'delete') {
      documents.push({ index, label, kind, name });
    } else if (kind === 'BaseImage') {
      documents.push({ index, label, kind, name, body: parseBody(baseImageBodySchema(languages), value, label) });
    } else {
      documents.push({ index, label, kind, name, body: parseBody(imageBodySchema, value, label) });
    }
  });
  if (!documents.length) throw new ApiError(400, 'bundle: no documents');
  return documents;
}

/** Validates a body against `schema`; a failure is a 400 naming the document and every field at fault. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, label: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, validationMessage(label, parsed.error));
  return parsed.data;
}
