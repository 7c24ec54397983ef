/**
 * Finds every placeholder in a call's arguments once, when the plan is parsed, so that
 * filling them at run time is a walk over a short list rather than over the arguments.
 */
import { formatLocation, type LocationSegment } from './location.js';
import {
  isRefObject,
  parseRefObject,
  parseTemplate,
  type PathOptions,
  type Reference,
  type ReferenceProblem,
  type Template,
} from './reference.js';

/** Deepest nesting of arguments accepted. @default 64 */
export const MAX_ARGS_DEPTH = 64;

/** What every placeholder site holds, whatever its kind. */
interface SiteBase {
  /** Where inside `args`. */
  readonly at: readonly LocationSegment[];
  /**
   * How many leading segments of `at` the site before it also walks: filling copies those
   * containers for the earlier site, so this one reuses them instead of copying again.
   */
  readonly shared: number;
  /** The reference when the site's value is exactly one placeholder (its value replaces the site whole). */
  readonly whole: Reference | undefined;
  /** Position of `whole`'s id in `dependsOn` (-1 without `whole`): the scheduler finds the input by position. */
  readonly dep: number;
}

/** A place inside the arguments that holds a placeholder (or a `$${` escape to unescape). */
export type RefSite = (SiteBase & { readonly kind: 'ref'; readonly ref: Reference }) | (SiteBase & { readonly kind: 'template'; readonly template: Template });

/**
 * Leading segments of `at` that are containers on the way to `previous` too. Sites come in
 * depth-first order, so the site just before shares the longest prefix of any earlier one.
 */
function sharedPrefix(previous: RefSite | undefined, at: readonly LocationSegment[]): number {
  if (previous === undefined) return 0;
  const limit = Math.min(previous.at.length, at.length) - 1;
  let n = 0;
  while (n < limit && previous.at[n] === at[n]) n++;
  return n;
}

/** A problem found in the arguments, with its location inside `args`. */
export interface ArgsProblem {
  /** `INVALID_REF`, `UNSAFE_PATH`, or `INVALID_PLAN` (nesting too deep). */
  readonly code: ReferenceProblem['code'] | 'INVALID_PLAN';
  /** What is wrong. */
  readonly message: string;
  /** Where inside `args`, e.g. `["user", "id"]`. */
  readonly at: readonly LocationSegment[];
}

/**
 * The sites of a call packed into one flat array, so filling touches one object instead of six
 * per site. Per site: an opcode ({@link FILL_INPUT}: the whole result of input `arg`, by its
 * position in `dependsOn`; {@link FILL_SITE}: evaluate `sites[arg]`), then `shared`, the depth
 * of `at`, and the segments of `at`.
 */
export type FillProgram = readonly (number | string)[];

/** Fill opcode: the site's value is the whole result of an input, found by position. */
export const FILL_INPUT = 0;
/** Fill opcode: the site's value comes from evaluating the site (a path or a template). */
export const FILL_SITE = 1;

function fillProgram(sites: readonly RefSite[]): FillProgram {
  const program: (number | string)[] = [];
  for (let k = 0; k < sites.length; k++) {
    const site = sites[k] as RefSite;
    const path = site.whole?.path;
    const input = path !== undefined && path.simple && path.segments.length === 0;
    program.push(input ? FILL_INPUT : FILL_SITE, input ? site.dep : k, site.shared, site.at.length, ...site.at);
  }
  return program;
}

/** The placeholders of one call's arguments. */
export interface CompiledArgs {
  /** The sites packed for the scheduler (see {@link FillProgram}). */
  readonly program: FillProgram;
  /** Every placeholder site, in document order. */
  readonly sites: readonly RefSite[];
  /** Ids this call reads, without duplicates, in first-use order. */
  readonly dependsOn: readonly string[];
  /** Top-level argument names that contain a placeholder. */
  readonly placeholderKeys: ReadonlySet<string>;
  /** Problems found; when non-empty the call cannot run. */
  readonly problems: readonly ArgsProblem[];
}

/**
 * Compiles a call's arguments: finds every placeholder at any depth (iteratively). `options.limits`
 * bound the work of the complex paths it compiles (see {@link PathOptions}).
 *
 * @example
 * compileArgs({ path: '${search.hits[0].path}' }).dependsOn // ['search']
 */
export function compileArgs(args: Readonly<Record<string, unknown>>, options: PathOptions = {}): CompiledArgs {
  const sites: RefSite[] = [];
  const problems: ArgsProblem[] = [];
  const dependsOn: string[] = [];
  // A few inputs are found by a scan; a map is built only for calls that read many.
  let position: Map<string, number> | undefined;
  let placeholderKeys: Set<string> | undefined;
  const addDep = (ref: Reference, at: readonly LocationSegment[]): number => {
    let i = position === undefined ? dependsOn.indexOf(ref.id) : (position.get(ref.id) ?? -1);
    if (i === -1) {
      i = dependsOn.length;
      dependsOn.push(ref.id);
      position?.set(ref.id, i);
      if (position === undefined && dependsOn.length > 16) position = new Map(dependsOn.map((id, k) => [id, k]));
    }
    const top = at[0];
    if (typeof top === 'string') (placeholderKeys ??= new Set<string>()).add(top);
    return i;
  };
  if (isRefObject(args)) {
    // `args` itself is never replaced: a "$ref" key here would silently reach the tool as a literal.
    problems.push({ code: 'INVALID_REF', message: 'args itself cannot be a reference; put it under an argument name, e.g. {"input": {"$ref": "id"}}', at: [] });
  }
  // Only strings and containers can hold a placeholder: numbers, booleans and null are not visited.
  const stack: { value: unknown; at: LocationSegment[] }[] = [];
  const keys = Object.keys(args);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    const value = args[key];
    if (mayHoldPlaceholder(value)) stack.push({ value, at: [key] });
  }
  while (stack.length > 0) {
    const { value, at } = stack.pop() as { value: unknown; at: LocationSegment[] };
    if (typeof value === 'string') {
      const parsed = parseTemplate(value, options);
      if (parsed === undefined) continue;
      if (!parsed.ok) {
        problems.push({ ...parsed.problem, at });
        continue;
      }
      const template = parsed.value;
      let dep = -1;
      for (const part of template.parts) if (typeof part !== 'string') dep = addDep(part, at);
      const whole = template.whole ? (template.parts[0] as Reference) : undefined;
      sites.push({ kind: 'template', at, shared: sharedPrefix(sites[sites.length - 1], at), whole, dep: whole === undefined ? -1 : dep, template });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (at.length > MAX_ARGS_DEPTH) {
      problems.push({ code: 'INVALID_PLAN', message: `arguments nest deeper than ${MAX_ARGS_DEPTH} levels`, at });
      continue;
    }
    if (isRefObject(value)) {
      const parsed = parseRefObject(value, options);
      if (!parsed.ok) problems.push({ ...parsed.problem, at });
      else {
        const dep = addDep(parsed.value, at);
        sites.push({ kind: 'ref', at, shared: sharedPrefix(sites[sites.length - 1], at), whole: parsed.value, dep, ref: parsed.value });
      }
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (mayHoldPlaceholder(item)) stack.push({ value: item, at: [...at, i] });
      }
    } else {
      const childKeys = Object.keys(value);
      for (let i = childKeys.length - 1; i >= 0; i--) {
        const key = childKeys[i] as string;
        const item = (value as Record<string, unknown>)[key];
        if (mayHoldPlaceholder(item)) stack.push({ value: item, at: [...at, key] });
      }
    }
  }
  return { program: fillProgram(sites), sites, dependsOn, placeholderKeys: placeholderKeys ?? new Set<string>(), problems };
}

/** True for values that can be or contain a placeholder: strings, objects and arrays. */
function mayHoldPlaceholder(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'object' && value !== null);
}

/** Formats a site's location under a base such as `calls[2].args`. */
export function siteLocation(at: readonly LocationSegment[], base = 'args'): string {
  return formatLocation(at, base);
}
