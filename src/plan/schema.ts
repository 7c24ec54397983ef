import { z } from 'zod';

/** Ids are 1-128 characters of `[A-Za-z0-9_.:-]`. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The zod schema of a call id. */
export const CallIdSchema = z
  .string()
  .regex(CALL_ID_PATTERN, { message: 'ids are 1-128 characters of A-Z a-z 0-9 _ . : -' })
  .describe('Unique id of the call within the plan; other calls refer to it.');

/** The zod schema of one call of a plan. */
export const CallSchema = z
  .object({
    id: CallIdSchema,
    tool: z.string().min(1).max(256).describe('Name of the tool to run.'),
    args: z
      .record(z.string(), z.unknown())
      .describe('Arguments. May contain placeholders: {"$ref": id, "path"?: jsonpath} or "${id.path}".'),
    after: z
      .array(CallIdSchema)
      .max(1024)
      .optional()
      .describe('Ids of calls that must succeed before this one starts, without passing data.'),
  })
  .strict()
  .describe('One tool call.');

/** The zod schema of a plan: `{ calls: [...] }` (a bare array of calls is accepted by the parser too). */
export const PlanSchema = z
  .object({
    calls: z.array(CallSchema).describe('The calls, in the order the model gave them.'),
  })
  .strict()
  .describe('A toolgraph plan: tool calls whose arguments may refer to other calls\' results.');

/**
 * One tool call of a plan.
 *
 * @example
 * { id: 'read', tool: 'read_file', args: { path: '${search.hits[0].path}' } }
 */
export type Call = z.infer<typeof CallSchema>;

/** A plan: the calls a model emitted, in order. */
export type Plan = z.infer<typeof PlanSchema>;

/** What plan-accepting functions take: a plan object or a bare array of calls. */
export type PlanInput = Plan | readonly Call[];
