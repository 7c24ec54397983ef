/**
 * Tools across the boundary: LangChain tools become toolgraph tools (run with their own
 * `invoke`, which checks their own schema), and toolgraph tools become LangChain tools to bind
 * to a model (their schemas admit placeholders; running them outside toolgraph is refused).
 */
import { isStructuredTool, tool as lcTool } from '@langchain/core/tools';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { defineTool, normalizeTool } from '../../tools/define-tool.js';
import type { Tool, ToolEffects, ToolLike } from '../../tools/tool-types.js';
import { declarationOf } from '../shared/tool-declarations.js';

/** A tool either side: a LangChain tool or a toolgraph tool. */
export type AnyTool = StructuredToolInterface | ToolLike;

/** True for a LangChain tool. */
export function isLangChainTool(value: AnyTool): value is StructuredToolInterface {
  return isStructuredTool(value);
}

/**
 * toolgraph tools from a mixed list. A LangChain tool says nothing about its effects: it is a
 * write unless `effects` says otherwise (calls of one write tool run one at a time).
 */
export function toToolgraphTools(tools: readonly AnyTool[], effects: Readonly<Record<string, ToolEffects>> = {}): Tool[] {
  return tools.map((t) => {
    if (!isLangChainTool(t)) return normalizeTool(t);
    const lc = t;
    const declared = Object.hasOwn(effects, lc.name) ? effects[lc.name] : undefined;
    return defineTool({
      name: lc.name,
      description: lc.description,
      ...(declared === undefined ? {} : { effects: declared }),
      execute: async (args: Record<string, unknown>, ctx) => lc.invoke(args, { signal: ctx.signal }),
    });
  });
}

/**
 * LangChain tools to bind to a chat model (`model.bindTools(...)`): LangChain tools as they
 * are, toolgraph tools declared with placeholder-admitting schemas. Only toolgraph runs them.
 */
export function toLangChainTools(tools: readonly AnyTool[]): StructuredToolInterface[] {
  return tools.map((t) => {
    if (isLangChainTool(t)) return t;
    const tg = normalizeTool(t);
    const declaration = declarationOf(tg);
    return lcTool(
      async () => {
        throw new Error(`toolgraph: ${tg.name} runs through toolgraphNode or toolgraphMiddleware, not on its own`);
      },
      { name: tg.name, description: declaration.description === '' ? tg.name : declaration.description, schema: declaration.inputSchema as never },
    ) as unknown as StructuredToolInterface;
  });
}
