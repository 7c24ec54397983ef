/**
 * `toolgraph/mcp`: MCP both ways. {@link mcpTools} turns a connected MCP server's tools into
 * toolgraph tools; {@link createPlanServer} serves toolgraph tools (and `run_plan`) as an MCP server.
 * Needs the optional peer dependency `@modelcontextprotocol/sdk`.
 */
export { mcpTools } from './mcp-tools.js';
export type { McpToolsOptions, McpClientLike } from './mcp-tools.js';
export { McpToolError } from './mcp-tool-error.js';
export { selectResult, textOf } from './select-result.js';
export type { McpCallResult } from './select-result.js';
export { createPlanServer } from './plan-server.js';
export type { PlanServer, PlanServerOptions, ShutdownOptions } from './plan-server.js';
export { PlanSession } from './plan-session.js';
export type { SessionMetrics, PlanSessionOptions } from './plan-session.js';
export { Limiter } from './limiter.js';
export type { LimiterStats } from './limiter.js';
