/**
 * The JSON Schemas of the protocol, generated from the zod schemas (the single source of
 * truth). `npm run schemas` writes them to `schemas/`; a test fails when the checked-in files
 * are stale.
 */
import { z } from 'zod';
import { RunEventSchema } from '../schedule/events.js';
import { PlanSchema } from './schema.js';

/** Base of every schema's `$id`: where the published package serves `schemas/`. */
export const SCHEMA_BASE_URL = 'https://unpkg.com/toolgraph/schemas/';

/** One generated schema file: its name under `schemas/` and its text. */
export interface SchemaFile {
  /** File name, e.g. `plan.schema.json`. */
  readonly file: string;
  /** Pretty-printed JSON with a trailing newline. */
  readonly text: string;
}

function render(file: string, title: string, schema: z.ZodType): SchemaFile {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const ordered = { $schema, $id: `${SCHEMA_BASE_URL}${file}`, title, ...rest };
  return { file, text: `${JSON.stringify(ordered, null, 2)}\n` };
}

/**
 * Generates every schema file of the protocol: `plan.schema.json` and `events.schema.json`.
 *
 * @example
 * for (const { file, text } of generateSchemas()) writeFileSync(`schemas/${file}`, text)
 */
export function generateSchemas(): readonly SchemaFile[] {
  return [
    render('plan.schema.json', 'toolgraph plan', PlanSchema),
    render('events.schema.json', 'toolgraph run event', RunEventSchema),
  ];
}
