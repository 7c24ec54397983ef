/**
 * Collects the calls of one model response, in order: assigns safe unique ids, parses and
 * checks arguments, turns every problem into a {@link MalformedCall}, and rewrites
 * positional (`${1}`) and mapped-id references. Shared by every format, whole or streamed.
 */
import { CallIdRegistry } from './call-ids.js';
import type { FormatCall, FormatItem, FormatName, MalformedCall, ParseOptions, ParsedResponse } from './format-types.js';
import { rewriteRefIds } from './rewrite-refs.js';
import { addSteps } from '../plan/work-steps.js';

/** Default of {@link ParseOptions.maxArgsChars}: 1 MiB. */
export const DEFAULT_MAX_ARGS_CHARS = 1_048_576;
/** Default of {@link ParseOptions.maxTextChars}: 1 MiB. */
export const DEFAULT_MAX_TEXT_CHARS = 1_048_576;
/** Default of {@link ParseOptions.maxCalls}. */
export const DEFAULT_MAX_CALLS = 1024;
/** Longest `raw` kept on a malformed call, in characters. */
export const MAX_RAW_CHARS = 2000;
/** Longest tool name accepted (as in the plan schema). */
export const MAX_TOOL_NAME = 256;

/** Clips text for messages and `raw`. */
export function clip(text: string, max = MAX_RAW_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Describes a value's JSON type for messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function clipRaw(raw: unknown): unknown {
  if (typeof raw === 'string') return clip(raw);
  try {
    const text = JSON.stringify(raw);
    if (text === undefined) return null;
    return text.length > MAX_RAW_CHARS ? clip(text) : raw;
  } catch {
    return null;
  }
}

/** Checks a positive integer option. */
export function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Expected \`${name}\` to be a positive integer, got \`${String(value)}\``);
  }
  return value;
}

/** One call as a format read it, before checks. */
export interface RawCall {
  /** The provider's id (anything; checked here). */
  readonly providerId?: unknown;
  /** Id to use when the provider gave none. @default the call's 1-based position */
  readonly fallbackId?: string;
  /** The tool's name (anything; checked here). */
  readonly tool: unknown;
  /** Arguments: a JSON string to parse (`kind: 'json'`) or a value already parsed. */
  readonly args: { readonly kind: 'json'; readonly text: string } | { readonly kind: 'value'; readonly value: unknown };
  /** JSON location of the call in the response, e.g. `content[2]`. */
  readonly location: string;
  /** Where the arguments sit, relative to `location`. @default 'arguments' */
  readonly argsKey?: string;
  /** `after` ids, already in toolgraph form. */
  readonly after?: readonly string[];
  /** Set when the format already knows the call is unusable. */
  readonly problem?: string;
  /** Rewrites references before the generic rewriting (format conventions such as NESTFUL's). */
  readonly convert?: (args: Record<string, unknown>) => { args: Record<string, unknown> } | { problem: string };
}

/** Builds a {@link ParsedResponse} call by call. */
export class ResponseBuilder {
  /** Id mapping. */
  readonly ids = new CallIdRegistry();
  /** Items in response order. */
  readonly items: FormatItem[] = [];
  private text = '';
  private textCut = 0;
  private stopReason: string | undefined;
  readonly maxArgsChars: number;
  readonly maxTextChars: number;
  readonly maxCalls: number;

  constructor(
    readonly format: FormatName,
    options: ParseOptions = {},
  ) {
    this.maxArgsChars = positiveOption('maxArgsChars', options.maxArgsChars, DEFAULT_MAX_ARGS_CHARS);
    this.maxTextChars = positiveOption('maxTextChars', options.maxTextChars, DEFAULT_MAX_TEXT_CHARS);
    this.maxCalls = positiveOption('maxCalls', options.maxCalls, DEFAULT_MAX_CALLS);
  }

  /** Appends assistant text (kept up to `maxTextChars`). */
  addText(text: string): void {
    const room = this.maxTextChars - this.text.length;
    if (text.length <= room) this.text += text;
    else {
      this.text += text.slice(0, Math.max(0, room));
      this.textCut += text.length - Math.max(0, room);
    }
  }

  /** Records why the model stopped. */
  setStopReason(reason: unknown): void {
    if (typeof reason === 'string' && reason !== '') this.stopReason = reason.slice(0, 256);
  }

  /** Adds a malformed call directly. */
  addMalformed(raw: Omit<RawCall, 'args'> & { readonly raw: unknown }, message: string, location: string): MalformedCall {
    const assigned = this.ids.assign(raw.providerId, raw.fallbackId ?? String(this.items.length + 1));
    return this.pushMalformed(assigned.id, raw.tool, message, location, raw.raw);
  }

  /** Checks one call and adds it (as a call or a malformed call). Returns what was added. */
  add(raw: RawCall): FormatItem {
    addSteps(1 + (raw.args.kind === 'json' ? raw.args.text.length : 0));
    const position = this.items.length + 1;
    const assigned = this.ids.assign(raw.providerId, raw.fallbackId ?? String(position));
    const argsLocation = `${raw.location}${raw.argsKey === '' ? '' : `.${raw.argsKey ?? 'arguments'}`}`;
    const rawArgs = raw.args.kind === 'json' ? raw.args.text : raw.args.value;
    if (this.items.length >= this.maxCalls) {
      return this.pushMalformed(assigned.id, raw.tool, `the response has more than ${this.maxCalls} calls; this one was not read`, raw.location, rawArgs);
    }
    if (raw.problem !== undefined) return this.pushMalformed(assigned.id, raw.tool, raw.problem, raw.location, rawArgs);
    if (typeof raw.tool !== 'string' || raw.tool.trim() === '') {
      return this.pushMalformed(assigned.id, undefined, raw.tool === undefined ? 'the call has no tool name' : `the tool name must be a non-empty string, got ${jsonTypeOf(raw.tool)}`, `${raw.location}.name`, rawArgs);
    }
    if (raw.tool.length > MAX_TOOL_NAME) {
      return this.pushMalformed(assigned.id, raw.tool.slice(0, MAX_TOOL_NAME), `the tool name is ${raw.tool.length} characters long; the limit is ${MAX_TOOL_NAME}`, `${raw.location}.name`, rawArgs);
    }
    const tool = raw.tool;
    if (assigned.duplicate) {
      return this.pushMalformed(assigned.id, tool, `the call id ${JSON.stringify(clip(assigned.providerId, 200))} is used by an earlier call of this response; ids must be unique`, `${raw.location}.id`, rawArgs);
    }
    let value: unknown;
    if (raw.args.kind === 'json') {
      const text = raw.args.text;
      if (text.length > this.maxArgsChars) {
        return this.pushMalformed(assigned.id, tool, `the arguments are ${text.length} characters long; the limit is ${this.maxArgsChars}`, argsLocation, text);
      }
      if (text.trim() === '') value = {};
      else {
        try {
          value = JSON.parse(text);
        } catch (error) {
          return this.pushMalformed(assigned.id, tool, `the arguments are not valid JSON (${(error as Error).message}); send them as one JSON object`, argsLocation, text);
        }
      }
    } else {
      value = raw.args.value ?? {};
      let size = 0;
      try {
        size = JSON.stringify(value)?.length ?? 0;
      } catch {
        return this.pushMalformed(assigned.id, tool, 'the arguments cannot be serialized as JSON', argsLocation, null);
      }
      if (size > this.maxArgsChars) {
        return this.pushMalformed(assigned.id, tool, `the arguments are ${size} characters long as JSON; the limit is ${this.maxArgsChars}`, argsLocation, value);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.pushMalformed(assigned.id, tool, `the arguments must be a JSON object, got ${jsonTypeOf(value)}`, argsLocation, rawArgs);
    }
    let args = value as Record<string, unknown>;
    if (raw.convert !== undefined) {
      const converted = raw.convert(args);
      if ('problem' in converted) return this.pushMalformed(assigned.id, tool, converted.problem, argsLocation, rawArgs);
      args = converted.args;
    }
    args = rewriteRefIds(args, (ref) => this.resolveRef(ref, position)) as Record<string, unknown>;
    const call: FormatCall = raw.after === undefined || raw.after.length === 0 ? { id: assigned.id, tool, args } : { id: assigned.id, tool, args, after: [...raw.after] };
    this.items.push(call);
    return call;
  }

  /**
   * The toolgraph id a reference names: a mapped provider id, or the N-th call of the response
   * for a positional `N` (1-based, earlier calls only, when no call has the id `N`).
   */
  resolveRef(ref: string, position: number): string | undefined {
    const mapped = this.ids.idOf(ref);
    if (mapped !== undefined) return mapped === ref ? undefined : mapped;
    if (/^[1-9][0-9]{0,5}$/.test(ref) && !this.ids.has(ref)) {
      const n = Number(ref);
      if (n < position) return this.ids.order[n - 1];
    }
    return undefined;
  }

  /** Everything added so far. */
  result(): ParsedResponse {
    const calls: FormatCall[] = [];
    const problems: MalformedCall[] = [];
    for (const item of this.items) {
      if (Object.hasOwn(item, 'args')) calls.push(item as FormatCall);
      else problems.push(item as MalformedCall);
    }
    const text = this.textCut > 0 ? `${this.text}… (${this.textCut} more characters cut)` : this.text;
    return {
      format: this.format,
      calls,
      problems,
      items: [...this.items],
      ids: this.ids,
      ...(text === '' ? {} : { text }),
      ...(this.stopReason === undefined ? {} : { stopReason: this.stopReason }),
    };
  }

  private pushMalformed(id: string, tool: unknown, message: string, location: string, raw: unknown): MalformedCall {
    const item: MalformedCall = {
      id,
      ...(typeof tool === 'string' && tool !== '' ? { tool: tool.slice(0, MAX_TOOL_NAME) } : {}),
      error: { code: 'MALFORMED_CALL', message: `${location}: ${message}`, location },
      raw: clipRaw(raw),
    };
    this.items.push(item);
    return item;
  }
}
