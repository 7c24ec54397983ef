/**
 * `toolgraph/langchain`: toolgraph in LangGraph.js and LangChain v1. `toolgraphNode` is a
 * drop-in for LangGraph's `ToolNode`; `toolgraphMiddleware` runs a `createAgent` agent's tool
 * calls through toolgraph (`wrapModelCall` starts the run, `wrapToolCall` waits for each
 * result). Both accept LangChain tools and toolgraph tools, and both let an approver or tool
 * call LangGraph's `interrupt()`: the graph interrupts, and on resume calls that already
 * finished are not run again.
 *
 * @example
 * const graph = new StateGraph(MessagesAnnotation)
 *   .addNode('agent', callModel)
 *   .addNode('tools', toolgraphNode([search, readFile]))
 */
export { toolgraphNode } from './toolgraph-node.js';
export type { ToolgraphNode } from './toolgraph-node.js';
export { toolgraphMiddleware } from './toolgraph-middleware.js';
export { toLangChainTools, toToolgraphTools } from './langchain-tools.js';
export type { AnyTool } from './langchain-tools.js';
export { isGraphBubbleUp, toolMessage } from './run-tool-calls.js';
export type { ToolgraphLangChainOptions } from './run-tool-calls.js';
