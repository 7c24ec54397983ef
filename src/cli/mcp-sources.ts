/**
 * The CLI's `--mcp "<command>"` and `--mcp-url URL` options: connects to each MCP server and
 * returns its tools. The SDK is loaded only when one of them is given (it is an optional peer).
 */
import { ToolgraphError } from '../errors.js';
import type { Tool } from '../tools/tool-types.js';

/** Tools from MCP servers, and a function that disconnects them. */
export interface McpSources {
  /** Every server's tools. */
  readonly tools: readonly Tool[];
  /** Closes every connection (stdio servers are stopped). */
  close(): Promise<void>;
}

/**
 * Splits a command line into words: whitespace separates, single or double quotes group,
 * a backslash escapes the next character outside single quotes. No shell is involved.
 *
 * @example
 * splitCommand(`node "my server.mjs" --flag`) // ['node', 'my server.mjs', '--flag']
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new ToolgraphError('INVALID_OPTION', `--mcp ${JSON.stringify(command)}: unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

async function sdk(): Promise<{
  Client: typeof import('@modelcontextprotocol/sdk/client/index.js').Client;
  StdioClientTransport: typeof import('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport;
  StreamableHTTPClientTransport: typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js').StreamableHTTPClientTransport;
}> {
  try {
    const [client, stdio, http] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/stdio.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    return { Client: client.Client, StdioClientTransport: stdio.StdioClientTransport, StreamableHTTPClientTransport: http.StreamableHTTPClientTransport };
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', 'MCP needs the package @modelcontextprotocol/sdk: npm install @modelcontextprotocol/sdk', { cause: error });
  }
}

/**
 * Connects to every MCP server given (`--mcp` commands over stdio, `--mcp-url` over Streamable
 * HTTP) and lists their tools. A server that cannot be reached is an `INVALID_OPTION` naming it.
 *
 * @example
 * const sources = await connectMcpSources(['node server.mjs'], [], { stderr: 'inherit' })
 */
export async function connectMcpSources(commands: readonly string[], urls: readonly string[], options: { readonly trustAnnotations?: boolean } = {}): Promise<McpSources> {
  const clients: Array<{ close(): Promise<void> }> = [];
  const tools: Tool[] = [];
  if (commands.length === 0 && urls.length === 0) return { tools, close: async () => undefined };
  const { Client, StdioClientTransport, StreamableHTTPClientTransport } = await sdk();
  const { mcpTools } = await import('../mcp/mcp-tools.js');
  const close = async (): Promise<void> => {
    await Promise.allSettled(clients.map((c) => c.close()));
  };
  try {
    for (const command of commands) {
      const [file, ...args] = splitCommand(command);
      if (file === undefined) throw new ToolgraphError('INVALID_OPTION', '--mcp: empty command');
      const client = new Client({ name: 'toolgraph', version: '0.1.0' });
      try {
        await client.connect(new StdioClientTransport({ command: file, args, stderr: 'inherit' }));
      } catch (error) {
        throw new ToolgraphError('INVALID_OPTION', `--mcp ${JSON.stringify(command)}: cannot start or reach the server: ${(error as Error).message}`);
      }
      clients.push(client);
      tools.push(...(await mcpTools(client, options)));
    }
    for (const url of urls) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ToolgraphError('INVALID_OPTION', `--mcp-url ${JSON.stringify(url)}: not a URL`);
      }
      const client = new Client({ name: 'toolgraph', version: '0.1.0' });
      try {
        await client.connect(new StreamableHTTPClientTransport(parsed));
      } catch (error) {
        throw new ToolgraphError('INVALID_OPTION', `--mcp-url ${url}: cannot reach the server: ${(error as Error).message}`);
      }
      clients.push(client);
      tools.push(...(await mcpTools(client, options)));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, close };
}
