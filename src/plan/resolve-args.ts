/**
 * Fills placeholders from upstream results, keeping types: a whole-value placeholder is
 * replaced by the selected value itself; placeholders inside longer text are interpolated
 * (strings as they are, other values as compact JSON). Only the containers on the way to a
 * placeholder are copied; the caller's arguments are never mutated.
 */
import { ToolgraphError } from '../errors.js';
import type { CompiledArgs } from './compile-args.js';
import { siteLocation } from './compile-args.js';
import type { LocationSegment } from './location.js';
import type { Reference, Selection } from './reference.js';

/** Looks up a finished call's result by id: `{ found: false }` when there is none. */
export type ResultLookup = (id: string) => Selection;

/** The outcome of filling placeholders. */
export type ResolveResult = { readonly ok: true; readonly args: Record<string, unknown> } | { readonly ok: false; readonly error: ToolgraphError };

function setOwn(target: Record<string, unknown> | unknown[], key: LocationSegment, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[key as string] = value;
  }
}

function shallowCopy(value: unknown): Record<string, unknown> | unknown[] {
  return Array.isArray(value) ? value.slice() : { ...(value as Record<string, unknown>) };
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function select(ref: Reference, lookup: ResultLookup): Selection {
  const result = lookup(ref.id);
  return result.found ? ref.path.select(result.value) : result;
}

function unresolved(callId: string, at: readonly LocationSegment[], ref: Reference, lookup: ResultLookup): ToolgraphError {
  const location = siteLocation(at);
  const had = lookup(ref.id).found;
  const why = had ? `path ${ref.path.source} selected nothing from the result of "${ref.id}"` : `"${ref.id}" has no result`;
  return new ToolgraphError('UNRESOLVED_REFERENCE', `${location}: ${ref.text} could not be filled: ${why}`, {
    callId,
    location,
    details: { ref: ref.id, path: ref.path.source },
  });
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
  if (compiled.sites.length === 0) return { ok: true, args: args as Record<string, unknown> };
  const root = shallowCopy(args) as Record<string, unknown>;
  let copies: Set<unknown> | undefined;
  for (const site of compiled.sites) {
    let value: unknown;
    if (site.kind === 'ref') {
      const selection = select(site.ref, lookup);
      if (!selection.found) return { ok: false, error: unresolved(callId, site.at, site.ref, lookup) };
      value = selection.value;
    } else if (site.template.whole) {
      const ref = site.template.parts[0] as Reference;
      const selection = select(ref, lookup);
      if (!selection.found) return { ok: false, error: unresolved(callId, site.at, ref, lookup) };
      value = selection.value;
    } else {
      let text = '';
      for (const part of site.template.parts) {
        if (typeof part === 'string') {
          text += part;
          continue;
        }
        const selection = select(part, lookup);
        if (!selection.found) return { ok: false, error: unresolved(callId, site.at, part, lookup) };
        text += stringify(selection.value);
      }
      value = text;
    }
    // Copy the containers on the way down (once each), then set the value.
    let container: Record<string, unknown> | unknown[] = root;
    const last = site.at.length - 1;
    for (let i = 0; i < last; i++) {
      const key = site.at[i] as LocationSegment;
      const child = (container as Record<string, unknown>)[key as string];
      copies ??= new Set<unknown>();
      if (copies.has(child)) {
        container = child as Record<string, unknown>;
        continue;
      }
      const copy = shallowCopy(child);
      copies.add(copy);
      setOwn(container, key, copy);
      container = copy;
    }
    setOwn(container, site.at[last] as LocationSegment, value);
  }
  return { ok: true, args: root };
}
