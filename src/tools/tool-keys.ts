/**
 * The keys a tool object may have, and the did-you-mean for the ones it may not: a misspelt
 * `effect:` or `readonly:` would otherwise turn a read into a destructive write without a word.
 */
import { ToolgraphError } from '../errors.js';

/** Every key a tool definition may have (toolgraph's own and MCP's tool description keys). */
export const TOOL_KEYS: readonly string[] = [
  'name',
  'description',
  'input',
  'output',
  'execute',
  'effects',
  'resources',
  'concurrency',
  'rateLimit',
  'timeoutMs',
  'retry',
  'hedge',
  'refs',
  'maxCallsPerRun',
  'latencyMs',
  'title',
  'inputSchema',
  'outputSchema',
  'annotations',
];

/** Keys a normalized tool adds; a plain copy of one may carry them (they are recomputed). */
const NORMALIZED_KEYS = ['resolvedEffects', '__toolgraph', 'inputJsonSchema', 'outputJsonSchema'];

/** The keys of `effects`. */
export const EFFECT_KEYS: readonly string[] = ['readOnly', 'idempotent', 'destructive', 'openWorld'];

/** The keys of MCP's `annotations`. */
export const ANNOTATION_KEYS: readonly string[] = ['title', 'readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

/** Common mistakes, by lower-cased key, and what was meant. */
const ALIASES: Readonly<Record<string, string>> = {
  effect: '`effects`',
  readonly: '`effects: { readOnly: true }`',
  read_only: '`effects: { readOnly: true }`',
  idempotent: '`effects: { idempotent: true }`',
  idempotant: '`effects: { idempotent: true }`',
  destructive: '`effects: { destructive: … }`',
  openworld: '`effects: { openWorld: … }`',
  readonlyhint: '`annotations: { readOnlyHint: true }` or `effects: { readOnly: true }`',
  destructivehint: '`annotations: { destructiveHint: … }`',
  idempotenthint: '`annotations: { idempotentHint: … }`',
  openworldhint: '`annotations: { openWorldHint: … }`',
  parameters: '`input` (a schema) or `inputSchema` (MCP\'s JSON Schema)',
  params: '`input`',
  schema: '`input`',
  args: '`input`',
  arguments: '`input`',
  input_schema: '`inputSchema`',
  output_schema: '`outputSchema`',
  run: '`execute`',
  handler: '`execute`',
  fn: '`execute`',
  func: '`execute`',
  function: '`execute`',
  call: '`execute`',
  invoke: '`execute`',
  timeout: '`timeoutMs`',
  ratelimit: '`rateLimit`',
  maxcalls: '`maxCallsPerRun`',
  latency: '`latencyMs`',
};

/** Edit distance, bounded: returns `max + 1` as soon as it is certain to exceed `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      row.push(value);
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * What an unknown key probably meant, as text (`\`effects\``), or undefined.
 *
 * @example
 * suggestKey('idempotant', EFFECT_KEYS) // '`idempotent`'
 */
export function suggestKey(key: string, known: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | undefined {
  const lower = key.toLowerCase();
  if (Object.hasOwn(aliases, lower)) return aliases[lower];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return `\`${candidate}\``;
    const d = distance(lower, candidate.toLowerCase(), bestDistance);
    if (d <= bestDistance) {
      best = candidate;
      bestDistance = d - 1;
    }
  }
  return best === undefined ? undefined : `\`${best}\``;
}

interface Unknown {
  readonly key: string;
  readonly suggestion?: string;
}

function unknownKeys(object: Record<string, unknown>, known: readonly string[], prefix: string, aliases: Readonly<Record<string, string>>): Unknown[] {
  const found: Unknown[] = [];
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const suggestion = suggestKey(key, known, aliases);
    found.push({ key: `${prefix}${key}`, ...(suggestion === undefined ? {} : { suggestion }) });
  }
  return found;
}

const EFFECT_ALIASES: Readonly<Record<string, string>> = {
  readonlyhint: '`readOnly`',
  destructivehint: '`destructive`',
  idempotenthint: '`idempotent`',
  openworldhint: '`openWorld`',
  idempotant: '`idempotent`',
};

const ANNOTATION_ALIASES: Readonly<Record<string, string>> = {
  readonly: '`readOnlyHint`',
  destructive: '`destructiveHint`',
  idempotent: '`idempotentHint`',
  openworld: '`openWorldHint`',
};

/**
 * Refuses a tool object with keys toolgraph does not know (top level, in `effects` and in
 * `annotations`), all of them in one `INVALID_OPTION` error with a did-you-mean for each.
 *
 * @example
 * checkToolKeys({ name: 'read', effect: { readOnly: true }, execute }, 'read')
 * // throws: tool "read": unknown key `effect` (did you mean `effects`?) ...
 */
export function checkToolKeys(definition: Record<string, unknown>, name: string): void {
  const found = unknownKeys(definition, [...TOOL_KEYS, ...NORMALIZED_KEYS], '', ALIASES);
  const effects = definition['effects'];
  if (typeof effects === 'object' && effects !== null) found.push(...unknownKeys(effects as Record<string, unknown>, EFFECT_KEYS, 'effects.', EFFECT_ALIASES));
  const annotations = definition['annotations'];
  if (typeof annotations === 'object' && annotations !== null) found.push(...unknownKeys(annotations as Record<string, unknown>, ANNOTATION_KEYS, 'annotations.', ANNOTATION_ALIASES));
  if (found.length === 0) return;
  const listed = found.map((u) => `\`${u.key}\`${u.suggestion === undefined ? '' : ` (did you mean ${u.suggestion}?)`}`).join(', ');
  const where = found.some((u) => u.key.startsWith('effects.')) ? `; effects take ${EFFECT_KEYS.join(', ')}` : '';
  throw new ToolgraphError('INVALID_OPTION', `tool "${name}": unknown ${found.length === 1 ? 'key' : 'keys'} ${listed}${where}`, {
    details: { tool: name, unknownKeys: found.map((u) => ({ key: u.key, ...(u.suggestion === undefined ? {} : { suggestion: u.suggestion }) })) },
  });
}
