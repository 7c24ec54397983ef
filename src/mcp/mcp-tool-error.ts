/**
 * The errors an MCP tool call fails with, told apart by `code` (kept in the call's
 * `error.details.code`, the call's own code being `TOOL_ERROR`).
 */

/** The server answered the call with `isError: true`; the message is the server's text. */
export class McpToolError extends Error {
  /** `MCP_TOOL_ERROR`, or `MCP_REQUEST_TIMEOUT` when the SDK's own request timeout fired. */
  readonly code: 'MCP_TOOL_ERROR' | 'MCP_REQUEST_TIMEOUT';
  constructor(message: string, code: 'MCP_TOOL_ERROR' | 'MCP_REQUEST_TIMEOUT' = 'MCP_TOOL_ERROR') {
    super(message);
    this.name = 'McpToolError';
    this.code = code;
  }
}
