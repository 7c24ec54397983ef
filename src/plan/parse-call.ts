/**
 * Turns one untrusted call (from JSON or a provider format) into a checked, compiled call.
 * Shape problems come from the zod schema; placeholder problems from the grammar; all of
 * them are reported together.
 */
import type { Issue } from '../errors.js';
import { compileArgs, siteLocation, type CompiledArgs } from './compile-args.js';
import { appendLocation, formatLocation } from './location.js';
import { hasCallShape } from './call-shape.js';
import { CallSchema } from './schema.js';

/** A call that passed its own checks (not yet checked against other calls). */
export interface ParsedCall {
  /** Position in the plan (0-based). */
  readonly index: number;
  /** The call's id. */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** The arguments as written (placeholders unfilled). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Ids listed in `after`. */
  readonly after: readonly string[];
  /** The compiled placeholders. */
  readonly compiled: CompiledArgs;
  /** Every id this call waits on (references, then `after`), without duplicates. */
  readonly deps: readonly string[];
  /** JSON location of the call, e.g. `calls[3]`. */
  readonly location: string;
}

/** The result of parsing one call: the call when usable, and every issue found. */
export interface ParseCallResult {
  /** The parsed call; absent when the call's shape is unusable. */
  readonly call: ParsedCall | undefined;
  /** Problems found in this call alone. */
  readonly issues: readonly Issue[];
}

function rawId(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'id')) {
    const id = (raw as Record<string, unknown>)['id'];
    if (typeof id === 'string') return id.length > 128 ? `${id.slice(0, 128)}…` : id;
  }
  return undefined;
}

/**
 * Parses one call at position `index`.
 *
 * @example
 * parseCall({ id: 'a', tool: 't', args: { x: '${b.y}' } }, 0).call?.deps // ['b']
 */
export function parseCall(raw: unknown, index: number, base = 'calls'): ParseCallResult {
  const location = `${base}[${index}]`;
  let id: string;
  let after: readonly string[];
  if (hasCallShape(raw)) {
    id = raw.id;
    after = raw.after ?? [];
  } else {
    const shape = CallSchema.safeParse(raw);
    if (!shape.success) {
      const callId = rawId(raw);
      const issues: Issue[] = shape.error.issues.map((issue) => {
        const at = formatLocation(issue.path.filter((p): p is string | number => typeof p !== 'symbol'), location);
        return {
          code: 'INVALID_PLAN',
          message: `${at}: ${issue.message}`,
          location: at,
          ...(callId === undefined ? {} : { callId }),
        };
      });
      return { call: undefined, issues };
    }
    id = shape.data.id;
    after = shape.data.after ?? [];
  }
  // Keep the caller's own objects (zod's copy would turn an own "__proto__" key into a prototype).
  const source = raw as Record<string, unknown>;
  const tool = source['tool'] as string;
  const args = source['args'] as Record<string, unknown>;
  const compiled = compileArgs(args);
  const issues: Issue[] = compiled.problems.length === 0 ? [] : compiled.problems.map((p) => {
    const at = siteLocation(p.at, `${location}.args`);
    return { code: p.code, message: `${at}: ${p.message}`, callId: id, location: at };
  });
  // References first, then `after` ids not referenced already (most calls have no `after`).
  let deps: readonly string[] = compiled.dependsOn;
  if (after.length > 0) {
    const all = [...compiled.dependsOn];
    const seen = new Set(all);
    for (const dep of after) {
      if (!seen.has(dep)) {
        seen.add(dep);
        all.push(dep);
      }
    }
    deps = all;
  }
  return {
    call: { index, id, tool, args, after, compiled, deps, location },
    issues,
  };
}

/** Location of a reference site inside a call, e.g. `calls[2].args.text`. */
export function argLocation(call: ParsedCall, at: readonly (string | number)[]): string {
  return siteLocation(at, appendLocation(call.location, 'args'));
}
