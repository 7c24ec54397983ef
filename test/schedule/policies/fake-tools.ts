/**
 * Fake tools for scheduler tests: each sleeps in virtual time and logs every invocation with
 * its call id, attempt, idempotency key, start and end, so tests can check order and overlap.
 */
import { defineTool } from '../../../src/tools/define-tool.js';
import type { Tool, ToolDefinition } from '../../../src/tools/tool-types.js';
import type { VirtualTime } from './virtual-time.js';

/** One invocation of a tool. */
export interface Invocation {
  readonly tool: string;
  readonly callId: string;
  readonly attempt: number;
  readonly key: string;
  readonly hedge: boolean;
  readonly args: Record<string, unknown>;
  readonly start: number;
  end: number | undefined;
  outcome: 'ok' | 'threw' | 'aborted' | undefined;
  aborted: boolean;
}

/** Args every fake tool understands. */
export interface FakeArgs {
  /** Resource the call touches (`file:<path>`). */
  readonly path?: string;
  /** Virtual latency. @default 10 */
  readonly ms?: number;
}

/** Builds a fake tool that logs into `log`. `latency` may depend on the call and attempt. */
export function fakeTool(
  time: VirtualTime,
  log: Invocation[],
  name: string,
  extra: Partial<ToolDefinition> & { latency?: (args: Record<string, unknown>, attempt: number, callId: string) => number; fail?: (args: Record<string, unknown>, attempt: number, callId: string) => unknown } = {},
): Tool {
  const { latency, fail, ...rest } = extra;
  return defineTool({
    name,
    ...rest,
    async execute(args: Record<string, unknown>, ctx) {
      const entry: Invocation = {
        tool: name,
        callId: ctx.callId,
        attempt: ctx.attempt,
        key: ctx.idempotencyKey,
        hedge: (ctx as { hedge?: boolean }).hedge === true,
        args,
        start: time.now(),
        end: undefined,
        outcome: undefined,
        aborted: false,
      };
      log.push(entry);
      ctx.signal.addEventListener('abort', () => {
        entry.aborted = true;
      });
      const ms = latency?.(args, ctx.attempt, ctx.callId) ?? (typeof args['ms'] === 'number' ? args['ms'] : 10);
      try {
        await time.sleep(ms, ctx.signal);
      } catch (error) {
        entry.end = time.now();
        entry.outcome = 'aborted';
        throw error;
      }
      entry.end = time.now();
      const failure = fail?.(args, ctx.attempt, ctx.callId);
      if (failure !== undefined) {
        entry.outcome = 'threw';
        throw failure;
      }
      entry.outcome = 'ok';
      return { path: args['path'] ?? null, by: ctx.callId, tool: name };
    },
  });
}

/** A write of `file:<path>` (non-idempotent, destructive unless told). */
export function fileWrite(time: VirtualTime, log: Invocation[], name = 'write_file', extra: Partial<ToolDefinition> = {}): Tool {
  return fakeTool(time, log, name, { resources: (a: Record<string, unknown>) => [`file:${String(a['path'])}`], ...extra });
}

/** A read of `file:<path>` (read-only, idempotent). */
export function fileRead(time: VirtualTime, log: Invocation[], name = 'read_file', extra: Partial<ToolDefinition> = {}): Tool {
  return fakeTool(time, log, name, { effects: { readOnly: true, idempotent: true }, resources: (a: Record<string, unknown>) => [`file:${String(a['path'])}`], ...extra });
}

/** The invocation of a call (the first one when there are several). */
export function inv(log: readonly Invocation[], callId: string): Invocation {
  const found = log.find((e) => e.callId === callId);
  if (found === undefined) throw new Error(`"${callId}" never ran`);
  return found;
}

/** True when two invocations' [start, end) intervals overlap in time. */
export function overlaps(a: Invocation, b: Invocation): boolean {
  const aEnd = a.end ?? Infinity;
  const bEnd = b.end ?? Infinity;
  return a.start < bEnd && b.start < aEnd;
}
