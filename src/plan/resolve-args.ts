/**
 * Fills placeholders from upstream results, keeping types: a whole-value placeholder is
 * replaced by the selected value itself; placeholders inside longer text are interpolated
 * (strings as they are, other values as compact JSON). Only the containers on the way to a
 * placeholder are copied; the caller's arguments are never mutated.
 */
import { ToolgraphError } from '../errors.js';
import { boundedJson } from './bounded-json.js';
import { FILL_INPUT, type CompiledArgs, type FillProgram, type RefSite } from './compile-args.js';
import { siteLocation } from './compile-args.js';
import type { LocationSegment } from './location.js';
import { PathFault, readFault } from './path-fault.js';
import { MISSING, pickPath, type Reference, type Selection } from './reference.js';

/** Longest JSON text a placeholder inside longer text interpolates, in characters. @default 1048576 */
export const MAX_INTERPOLATED_CHARS = 1_048_576;
/** Deepest value a placeholder inside longer text interpolates. @default 1000 */
export const MAX_INTERPOLATED_DEPTH = 1000;

/** Looks up a finished call's result by id: `{ found: false }` when there is none. */
export type ResultLookup = (id: string) => Selection;

/** The outcome of filling placeholders. */
export type ResolveResult = { readonly ok: true; readonly args: Record<string, unknown> } | { readonly ok: false; readonly error: ToolgraphError };

/**
 * Sets an own data property. Never a plain assignment to a key the target does not own, so no
 * write follows an inherited property (`__proto__`'s setter, a setter on a prototype).
 */
function setOwn(target: Record<string, unknown> | unknown[], key: LocationSegment, value: unknown): void {
  if (Object.hasOwn(target, key)) (target as Record<string | number, unknown>)[key] = value;
  else Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An own property's value (undefined when the key is inherited or absent). */
function getOwn(target: unknown, key: LocationSegment): unknown {
  return typeof target === 'object' && target !== null && Object.hasOwn(target, key) ? (target as Record<string | number, unknown>)[key] : undefined;
}

/**
 * A copy of a container. Spread defines own data properties (it never calls a setter, and an
 * own `__proto__` key stays an ordinary key).
 */
function shallowCopy(value: unknown): Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return value.slice();
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, unknown>) } : {};
}

/** Interpolated text of a value: strings as they are, others as bounded, iterative JSON. */
function stringify(value: unknown): string | PathFault {
  if (typeof value === 'string') return value;
  const text = boundedJson(value, { maxChars: MAX_INTERPOLATED_CHARS, maxDepth: MAX_INTERPOLATED_DEPTH });
  if (text instanceof PathFault) return text;
  if (text !== undefined) return text;
  try {
    return String(value);
  } catch (error) {
    return readFault(error);
  }
}

/** Where the scheduler reads finished results. */
export interface ResultSource {
  /**
   * The result of the filled call's input at `position` in its `compiled.dependsOn`, or
   * {@link MISSING}. Only asked by {@link fillFromInputs}.
   */
  resultAt(position: number): unknown;
  /**
   * The result of the call `id`, or {@link MISSING}. `position` is the id's place in the filled
   * call's `compiled.dependsOn` (-1 when not known), for sources that keep inputs in that order.
   */
  resultOf(id: string, position: number): unknown;
}

function unresolved(callId: string, at: readonly LocationSegment[], ref: Reference, source: ResultSource): ToolgraphError {
  const location = siteLocation(at);
  const had = source.resultOf(ref.id, -1) !== MISSING;
  const why = had ? `path ${ref.path.source} selected nothing from the result of "${ref.id}"` : `"${ref.id}" has no result`;
  return new ToolgraphError('UNRESOLVED_REFERENCE', `${location}: ${ref.text} could not be filled: ${why}`, {
    callId,
    location,
    details: { ref: ref.id, path: ref.path.source },
  });
}

function pickRef(ref: Reference, source: ResultSource, position = -1): unknown {
  const result = source.resultOf(ref.id, position);
  return result === MISSING ? MISSING : pickPath(ref.path, result);
}

function safePick(ref: Reference, source: ResultSource): unknown {
  try {
    return pickRef(ref, source);
  } catch (error) {
    return readFault(error);
  }
}

/**
 * The value of one site (a reference, or a template's text): MISSING when a reference selects
 * nothing, a {@link PathFault} when a path is too costly or a result cannot be read.
 */
function siteValue(site: RefSite, source: ResultSource): unknown {
  const whole = site.whole;
  if (whole !== undefined) return pickRef(whole, source, site.dep);
  if (site.kind !== 'template') return MISSING;
  let text = '';
  for (const part of site.template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const picked = pickRef(part, source);
    if (picked === MISSING || picked instanceof PathFault) return picked;
    const piece = stringify(picked);
    if (piece instanceof PathFault) return piece;
    if (text.length + piece.length > MAX_INTERPOLATED_CHARS) {
      return new PathFault('UNREADABLE_RESULT', `the interpolated text is over ${MAX_INTERPOLATED_CHARS} characters`);
    }
    text += piece;
  }
  return text;
}

/** The error for a site whose value is a fault: its code, the call, the location and the reference. */
function siteFault(callId: string, site: RefSite, fault: PathFault): ToolgraphError {
  const location = siteLocation(site.at);
  const ref = site.kind === 'ref' ? site.ref : site.whole ?? site.template.parts.find((p): p is Reference => typeof p !== 'string');
  return new ToolgraphError(fault.code, `${location}: ${ref?.text ?? 'placeholder'} could not be filled: ${fault.message}`, {
    callId,
    location,
    details: ref === undefined ? {} : { ref: ref.id, path: ref.path.source },
  });
}

/** {@link siteValue}, with anything a result's getters or traps throw turned into a fault. */
function safeSiteValue(site: RefSite, source: ResultSource): unknown {
  try {
    return siteValue(site, source);
  } catch (error) {
    return readFault(error);
  }
}

/** The error for a site whose value is MISSING: names its first reference that selects nothing. */
function siteUnresolved(callId: string, site: RefSite, source: ResultSource): ToolgraphError {
  const refs = site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
  const ref = refs.find((r) => safePick(r, source) === MISSING) ?? (refs[0] as Reference);
  return unresolved(callId, site.at, ref, source);
}

/**
 * Sets `value` at the path `keys[from]` … `keys[from + depth - 1]` under `root`: the first
 * `shared` containers on the way are copies already (made for the site before), the others are
 * copied here, so the caller's arguments are never mutated.
 */
function place(root: Record<string, unknown>, keys: readonly (string | number)[], from: number, depth: number, shared: number, value: unknown): void {
  let container: Record<string, unknown> | unknown[] = root;
  const last = from + depth - 1;
  for (let i = from; i < last; i++) {
    const key = keys[i] as LocationSegment;
    const child = getOwn(container, key);
    if (i - from < shared) {
      container = child as Record<string, unknown>;
      continue;
    }
    const copy = shallowCopy(child);
    setOwn(container, key, copy);
    container = copy;
  }
  setOwn(container, keys[last] as LocationSegment, value);
}

/**
 * The scheduler's form of {@link resolveArgs}: the filled arguments, or the error. Allocates
 * only the copies it returns.
 */
export function fillArgs(
  callId: string,
  args: Readonly<Record<string, unknown>>,
  compiled: CompiledArgs,
  source: ResultSource,
): Record<string, unknown> | ToolgraphError {
  const sites = compiled.sites;
  if (sites.length === 0) return args as Record<string, unknown>;
  const root = shallowCopy(args) as Record<string, unknown>;
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s] as RefSite;
    const value = safeSiteValue(site, source);
    if (value === MISSING) return siteUnresolved(callId, site, source);
    if (value instanceof PathFault) return siteFault(callId, site, value);
    place(root, site.at, 0, site.at.length, site.shared, value);
  }
  return root;
}

/**
 * {@link fillArgs} for a call whose inputs the source keeps in `dependsOn` order: runs the
 * call's {@link FillProgram}, reading whole results by position (one flat array per call, no
 * id comparisons). Same result as `fillArgs`; the hot path of every call with placeholders.
 * `program` may hold other calls' programs too: this call's runs from `start` to `end`.
 */
export function fillFromInputs(
  callId: string,
  args: Readonly<Record<string, unknown>>,
  compiled: CompiledArgs,
  source: ResultSource,
  program: FillProgram = compiled.program,
  start = 0,
  end = program.length,
): Record<string, unknown> | ToolgraphError {
  if (end === start) return args as Record<string, unknown>;
  const root = shallowCopy(args) as Record<string, unknown>;
  let pc = start;
  while (pc < end) {
    const op = program[pc] as number;
    const arg = program[pc + 1] as number;
    const shared = program[pc + 2] as number;
    const depth = program[pc + 3] as number;
    const at = pc + 4;
    pc = at + depth;
    let value: unknown;
    if (op === FILL_INPUT) {
      value = source.resultAt(arg);
      if (value === MISSING) return siteUnresolved(callId, compiled.sites.find((s) => s.dep === arg && s.whole !== undefined) as RefSite, source);
    } else {
      const site = compiled.sites[arg] as RefSite;
      value = safeSiteValue(site, source);
      if (value === MISSING) return siteUnresolved(callId, site, source);
      if (value instanceof PathFault) return siteFault(callId, site, value);
    }
    place(root, program, at, depth, shared, value);
  }
  return root;
}

/**
 * Fills every placeholder of a call's arguments from finished results.
 *
 * @example
 * const compiled = compileArgs({ path: '${search.hits[0].path}' })
 * resolveArgs('read', { path: '${search.hits[0].path}' }, compiled,
 *   (id) => ({ found: true, value: { hits: [{ path: 'a.md' }] } }))
 * // { ok: true, args: { path: 'a.md' } }
 */
export function resolveArgs(
  callId: string,
  args: Readonly<Record<string, unknown>>,
  compiled: CompiledArgs,
  lookup: ResultLookup,
): ResolveResult {
  const filled = fillArgs(callId, args, compiled, {
    resultAt: () => MISSING,
    resultOf(id: string): unknown {
      const selection = lookup(id);
      return selection.found ? selection.value : MISSING;
    },
  });
  return filled instanceof ToolgraphError ? { ok: false, error: filled } : { ok: true, args: filled };
}
