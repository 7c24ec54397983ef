/**
 * Cross-turn references for `runAgent`: results of earlier turns are kept (bounded, oldest
 * dropped first) by call id, and a later turn's call that references one (`${call_abc.items[0]}`)
 * gets it through a recall call put just before it in that turn's plan, so the model need not
 * copy large values back into arguments. An id that was never kept (or was dropped) still
 * fails with the usual `UNKNOWN_REF` text.
 */
import type { FormatItem } from '../formats/format-types.js';
import { callDeps } from '../plan/call-deps.js';
import { defineTool, toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';

/** Name of the internal tool that hands a kept result to a later turn. */
export const RECALL_TOOL_NAME = 'toolgraph.recall';

/** Default of `RunAgentOptions.keepResults`: results kept across turns. */
export const DEFAULT_KEEP_RESULTS = 256;

/** Results of earlier turns by call id, at most `max` of them (the oldest dropped first). */
export class ResultMemory {
  private readonly results = new Map<string, unknown>();

  constructor(readonly max: number) {}

  /** Keeps a result. */
  remember(id: string, result: unknown): void {
    if (this.max <= 0) return;
    this.results.delete(id);
    this.results.set(id, result);
    while (this.results.size > this.max) {
      const oldest = this.results.keys().next();
      if (oldest.done === true) break;
      this.results.delete(oldest.value);
    }
  }

  /** True when a result is kept for the id. */
  has(id: string): boolean {
    return this.results.has(id);
  }

  /** The kept result. */
  get(id: string): unknown {
    return this.results.get(id);
  }

  /** How many results are kept. */
  get size(): number {
    return this.results.size;
  }
}

/** The tools of a turn: the user's plus the recall tool reading `memory`. */
export function toolsWithRecall(tools: ToolsInput, memory: ResultMemory): ReadonlyMap<string, Tool> {
  const registry = new Map(toolRegistry(tools));
  registry.set(
    RECALL_TOOL_NAME,
    defineTool({
      name: RECALL_TOOL_NAME,
      effects: { readOnly: true, idempotent: true, openWorld: false },
      // The id is an argument (not the call's own id) so that two recalls never look identical to coalescing.
      execute: (args: { id?: unknown }) => memory.get(String(args.id)),
    }) as Tool,
  );
  return registry;
}

/** Recall calls put before `item` for the kept ids it references and that are not yet in the turn. */
function recallsFor(item: FormatItem, memory: ResultMemory, seen: Set<string>, injected: Set<string>): FormatItem[] {
  seen.add(item.id);
  if (memory.size === 0 || !('args' in item)) return [];
  const out: FormatItem[] = [];
  for (const dep of callDeps(item)) {
    if (seen.has(dep) || injected.has(dep) || !memory.has(dep)) continue;
    injected.add(dep);
    out.push({ id: dep, tool: RECALL_TOOL_NAME, args: { id: dep } });
  }
  return out;
}

/**
 * The turn's calls with recall calls inserted where they reference kept results. `injected`
 * receives the ids of the recall calls (so their events can be left out of what users see).
 *
 * @example
 * const injected = new Set<string>()
 * execute(withRecalls(parsed.items, memory, injected), { tools: toolsWithRecall(tools, memory) })
 */
export function withRecalls(
  items: AsyncIterable<FormatItem> | readonly FormatItem[],
  memory: ResultMemory,
  injected: Set<string>,
): AsyncIterable<FormatItem> | readonly FormatItem[] {
  const seen = new Set<string>();
  if (Array.isArray(items)) {
    const list = items as readonly FormatItem[];
    const out: FormatItem[] = [];
    for (const item of list) out.push(...recallsFor(item, memory, seen, injected), item);
    return out;
  }
  const source = items as AsyncIterable<FormatItem>;
  return (async function* () {
    for await (const item of source) {
      yield* recallsFor(item, memory, seen, injected);
      yield item;
    }
  })();
}
