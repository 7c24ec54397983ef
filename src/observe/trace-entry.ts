/**
 * The JSONL trace format: one entry per line, shaped like common RL tool traces
 * (`assistant_message`, `tool_call`, `tool_response`), plus toolgraph's optional `rejoin` and raw
 * `event` lines. Readers are tolerant: an entry whose `type` is unknown is kept as it is, but an
 * entry of a known type with the wrong shape is an error.
 */
import { z } from 'zod';

/** A model turn: what the model said and which calls it asked for. */
export const AssistantMessageEntrySchema = z.looseObject({
  type: z.literal('assistant_message'),
  turn: z.number().int().nonnegative().describe('1 for the first model turn.'),
  t: z.number().describe('ms since the trace started'),
  content: z.string().optional(),
  tool_calls: z.array(z.string()).optional().describe('Ids of the calls this turn asked for.'),
});

/** A tool call, written when it was dispatched (or when it ended, for a call that never started). */
export const ToolCallEntrySchema = z.looseObject({
  type: z.literal('tool_call'),
  id: z.string().min(1),
  name: z.string(),
  args: z.unknown().optional(),
  turn: z.number().int().nonnegative(),
  t: z.number(),
  deps: z.array(z.string()).optional().describe('Ids this call waited on (references and after).'),
  ready_t: z.number().optional().describe('When its inputs were all ready (trace ms).'),
  waits: z
    .array(z.looseObject({ reason: z.string(), t: z.number(), on: z.string().optional(), resource: z.string().optional(), scope: z.string().optional(), limit: z.number().optional() }))
    .optional()
    .describe('Why it was held back, from call_waiting events (input, conflict, cap, rate_limit, approval).'),
  attempts: z
    .array(z.looseObject({ attempt: z.number().int(), t: z.number(), hedge: z.boolean().optional(), end_t: z.number().optional(), error: z.string().optional() }))
    .optional()
    .describe('Every execution when there was more than one (retries and hedged copies); end_t and error for an attempt that failed and was retried.'),
});

/** The end of a tool call. `duration_ms` is 0 for a call that never started. */
export const ToolResponseEntrySchema = z.looseObject({
  type: z.literal('tool_response'),
  call_id: z.string().min(1),
  status: z.string().min(1).describe('succeeded | failed | skipped | cancelled | rejected (others are kept)'),
  t: z.number(),
  duration_ms: z.number().nonnegative(),
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).optional(),
  result: z.unknown().optional(),
  result_truncated: z.boolean().optional(),
});

/** When results were handed back to the model, and which ones. */
export const RejoinEntrySchema = z.looseObject({
  type: z.literal('rejoin'),
  turn: z.number().int().nonnegative(),
  t: z.number(),
  returned: z.array(z.string()).optional().describe('Ids whose results went back to the model; default every call of the turn that had ended.'),
});

/** A raw run event (see RunEventSchema), kept loosely so newer event types still read. */
export const EventEntrySchema = z.looseObject({
  type: z.literal('event'),
  t: z.number().optional(),
  event: z.looseObject({ type: z.string() }),
});

/** The entry types this version understands. */
export const KNOWN_TRACE_ENTRY_TYPES: ReadonlySet<string> = new Set(['assistant_message', 'tool_call', 'tool_response', 'rejoin', 'event']);

/** Any entry with a `type` this version does not know; kept, never interpreted. */
export const UnknownTraceEntrySchema = z
  .looseObject({ type: z.string() })
  .refine((e) => !KNOWN_TRACE_ENTRY_TYPES.has(e.type), { message: 'entry of a known type has the wrong shape' });

/** A known trace entry. */
export const KnownTraceEntrySchema = z.discriminatedUnion('type', [
  AssistantMessageEntrySchema,
  ToolCallEntrySchema,
  ToolResponseEntrySchema,
  RejoinEntrySchema,
  EventEntrySchema,
]);

/**
 * One line of a trace: a known entry, validated, or an entry of an unknown type, kept as is.
 *
 * @example
 * TraceEntrySchema.parse({ type: 'tool_call', id: 'c1', name: 'search', args: {}, turn: 1, t: 0 })
 */
export const TraceEntrySchema = z.union([KnownTraceEntrySchema, UnknownTraceEntrySchema]);

/** A model turn. */
export type AssistantMessageEntry = z.infer<typeof AssistantMessageEntrySchema>;
/** A tool call. */
export type ToolCallEntry = z.infer<typeof ToolCallEntrySchema>;
/** The end of a tool call. */
export type ToolResponseEntry = z.infer<typeof ToolResponseEntrySchema>;
/** A rejoin: results handed back to the model. */
export type RejoinEntry = z.infer<typeof RejoinEntrySchema>;
/** A raw run event. */
export type EventEntry = z.infer<typeof EventEntrySchema>;
/** An entry of a type this version does not know. */
export type UnknownTraceEntry = { readonly type: string; readonly [key: string]: unknown };
/** A known entry. */
export type KnownTraceEntry = z.infer<typeof KnownTraceEntrySchema>;
/** One line of a trace. */
export type TraceEntry = KnownTraceEntry | UnknownTraceEntry;

/**
 * The loosest input the analysis functions accept: anything with a string `type`, so that traces
 * built by hand or by other tools (the seed's Python dicts) work without `turn` or `t`.
 */
export interface TraceLike {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** True for a `tool_call` entry with a string id. */
export function isToolCallEntry(entry: TraceLike): entry is TraceLike & { readonly type: 'tool_call'; readonly id: string } {
  return entry.type === 'tool_call' && typeof entry['id'] === 'string';
}

/** True for a `tool_response` entry with a string `call_id`. */
export function isToolResponseEntry(entry: TraceLike): entry is TraceLike & { readonly type: 'tool_response'; readonly call_id: string } {
  return entry.type === 'tool_response' && typeof entry['call_id'] === 'string';
}
