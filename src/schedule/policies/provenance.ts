/**
 * The injection guard at run time: per-argument provenance (`refs`) and `maxCallsPerRun`,
 * enforced call by call so a run that skipped validation (not `strict`, or a streamed plan)
 * still never lets a refused placeholder choose an argument.
 */
import type { ParsedCall } from '../../plan/parse-call.js';
import { argLocation } from '../../plan/parse-call.js';
import type { Reference } from '../../plan/reference.js';
import type { Tool } from '../../tools/tool-types.js';
import type { SerializedError } from '../events.js';

/**
 * The first placeholder of `call` that feeds an argument its tool refuses, as an error, or
 * `undefined` when every placeholder is allowed. `toolOf` names the tool of a referenced call;
 * with `pending: true`, a reference to a call that has not arrived yet is let through (checked
 * again once it has).
 *
 * @example
 * refViolation(call, sendEmail, (id) => byId.get(id)?.toolName) // { code: 'REF_NOT_ALLOWED', ... }
 */
export function refViolation(call: ParsedCall, tool: Tool, toolOf: (id: string) => string | undefined, pending = false): SerializedError | undefined {
  // Most tools restrict nothing: this stays small enough for V8 to inline at the engine's call sites.
  return tool.refs === undefined ? undefined : firstRefused(call, tool, tool.refs, toolOf, pending);
}

function firstRefused(call: ParsedCall, tool: Tool, refs: NonNullable<Tool['refs']>, toolOf: (id: string) => string | undefined, pending: boolean): SerializedError | undefined {
  for (const site of call.compiled.sites) {
    const top = site.at[0];
    if (typeof top !== 'string' || !Object.hasOwn(refs, top)) continue;
    const policy = refs[top];
    const list: Reference[] = site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
    for (const ref of list) {
      const source = toolOf(ref.id);
      if (policy === 'any' || (Array.isArray(policy) && source !== undefined && policy.includes(source))) continue;
      if (pending && source === undefined && policy !== 'literal') continue;
      const location = argLocation(call, site.at);
      const why = policy === 'literal' ? 'takes only literal values' : `takes values only from ${(policy as readonly string[]).join(', ')}`;
      return {
        code: 'REF_NOT_ALLOWED',
        message: `${location}: argument "${top}" of ${tool.name} ${why}, but ${ref.text} feeds it from ${source === undefined ? 'an unknown call' : `"${ref.id}" (${source})`}`,
        callId: call.id,
        location,
      };
    }
  }
  return undefined;
}
