/**
 * Tools → a provider's `tools` array, built from each tool's name, description, input schema
 * and output schema. Argument positions admit placeholders (see placeholder-schema.ts); what a
 * tool returns is appended to its description in compact form so the model knows which paths exist.
 */
import { ToolgraphError } from '../errors.js';
import { toolRegistry } from '../tools/define-tool.js';
import { inputJsonSchemaOf, outputJsonSchemaOf, type JsonSchema } from '../tools/tool-json-schema.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';
import { compactSchema } from './compact-schema.js';
import { admitPlaceholders, PLACEHOLDER_PATTERN } from './placeholder-schema.js';
import { strictSchema } from './strict-schema.js';

/** The providers {@link toolDeclarations} writes for. */
export type DeclarationProvider = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'json-schema';

/** Options of {@link toolDeclarations}. */
export interface ToolDeclarationOptions<P extends DeclarationProvider = DeclarationProvider> {
  /** Whose `tools` shape to write. */
  readonly provider: P;
  /** OpenAI strict mode (openai-chat and openai-responses only). @default false */
  readonly strict?: boolean;
  /** Admit placeholders at argument positions. @default true */
  readonly placeholders?: boolean;
  /** Also admit the `{ "$ref" }` object form (not for gemini). @default false */
  readonly refObjects?: boolean;
  /** Append "Returns: …" (the output schema in compact form) to descriptions. @default true */
  readonly returns?: boolean;
}

/** An OpenAI Chat Completions function tool. */
export interface OpenAIChatToolDeclaration {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description: string; readonly parameters: JsonSchema; readonly strict: boolean };
}

/** An OpenAI Responses function tool. */
export interface OpenAIResponsesToolDeclaration {
  readonly type: 'function';
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
  readonly strict: boolean;
}

/** An Anthropic Messages tool. */
export interface AnthropicToolDeclaration {
  readonly name: string;
  readonly description: string;
  readonly input_schema: JsonSchema & { readonly type: 'object' };
}

/** One Gemini function declaration (JSON Schema form: `parametersJsonSchema`, `responseJsonSchema`). */
export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description: string;
  readonly parametersJsonSchema: JsonSchema;
  readonly responseJsonSchema?: JsonSchema;
}

/** A Gemini tool: `{ functionDeclarations }`. */
export interface GeminiToolDeclaration {
  readonly functionDeclarations: GeminiFunctionDeclaration[];
}

/** A provider-neutral declaration (also MCP's shape of a tool). */
export interface JsonSchemaToolDeclaration {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
}

/** What {@link toolDeclarations} returns for each provider. */
export interface DeclarationsByProvider {
  readonly 'openai-chat': OpenAIChatToolDeclaration[];
  readonly 'openai-responses': OpenAIResponsesToolDeclaration[];
  readonly anthropic: AnthropicToolDeclaration[];
  readonly gemini: GeminiToolDeclaration[];
  readonly 'json-schema': JsonSchemaToolDeclaration[];
}

const OPENAI_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PROVIDERS: readonly DeclarationProvider[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'json-schema'];

/** Removes the placeholder `pattern` (Gemini's schema subset has no `pattern`; the string stays, described). */
function dropPlaceholderPattern(node: unknown, depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) dropPlaceholderPattern(item, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record['pattern'] === PLACEHOLDER_PATTERN) delete record['pattern'];
  for (const key of Object.keys(record)) {
    if (key !== 'enum' && key !== 'const') dropPlaceholderPattern(record[key], depth + 1);
  }
}

/** One tool's parts, provider-neutral. */
interface Parts {
  readonly name: string;
  readonly description: string;
  readonly input: JsonSchema;
  readonly output: JsonSchema | undefined;
}

function partsOf(tool: Tool, options: ToolDeclarationOptions): Parts {
  const provider = options.provider;
  const openai = provider === 'openai-chat' || provider === 'openai-responses';
  if (openai && !OPENAI_NAME.test(tool.name)) {
    throw new ToolgraphError('INVALID_OPTION', `tool "${tool.name}": OpenAI tool names are 1-64 characters of A-Z a-z 0-9 _ -`, { details: { tool: tool.name } });
  }
  let input: JsonSchema = inputJsonSchemaOf(tool) ?? { type: 'object', description: 'Any object.', additionalProperties: true };
  if (input['type'] === undefined && input['properties'] !== undefined) input = { type: 'object', ...input };
  if (options.placeholders !== false) input = admitPlaceholders(input, tool.refs, { refObjects: options.refObjects === true && provider !== 'gemini' });
  if (provider === 'gemini') dropPlaceholderPattern(input);
  if (options.strict === true && openai) input = strictSchema(input, tool.name);
  const output = outputJsonSchemaOf(tool);
  let description = tool.description ?? '';
  if (options.returns !== false && output !== undefined && provider !== 'json-schema') {
    description = `${description}${description === '' ? '' : '\n'}Returns: ${compactSchema(output)}`;
  }
  return { name: tool.name, description, input, output };
}

/**
 * A provider's `tools` array for the given tools.
 *
 * @example
 * const tools = toolDeclarations([search, readFile], { provider: 'openai-chat', strict: true })
 * await openai.chat.completions.create({ model, messages, tools })
 *
 * @example
 * await anthropic.messages.create({ model, max_tokens, messages, tools: toolDeclarations(tools, { provider: 'anthropic' }) })
 */
export function toolDeclarations<P extends DeclarationProvider>(tools: ToolsInput, options: ToolDeclarationOptions<P>): DeclarationsByProvider[P] {
  if (!PROVIDERS.includes(options.provider)) {
    throw new ToolgraphError('INVALID_OPTION', `expected provider to be one of ${PROVIDERS.join(', ')}, got ${JSON.stringify(options.provider)}`);
  }
  const parts = [...toolRegistry(tools).values()].map((tool) => partsOf(tool, options));
  const strict = options.strict === true;
  switch (options.provider as DeclarationProvider) {
    case 'openai-chat':
      return parts.map((p): OpenAIChatToolDeclaration => ({ type: 'function', function: { name: p.name, description: p.description, parameters: p.input, strict } })) as DeclarationsByProvider[P];
    case 'openai-responses':
      return parts.map((p): OpenAIResponsesToolDeclaration => ({ type: 'function', name: p.name, description: p.description, parameters: p.input, strict })) as DeclarationsByProvider[P];
    case 'anthropic':
      return parts.map((p): AnthropicToolDeclaration => ({ name: p.name, description: p.description, input_schema: { ...p.input, type: 'object' } })) as DeclarationsByProvider[P];
    case 'gemini':
      return [
        {
          functionDeclarations: parts.map(
            (p): GeminiFunctionDeclaration => ({ name: p.name, description: p.description, parametersJsonSchema: p.input, ...(p.output === undefined ? {} : { responseJsonSchema: p.output }) }),
          ),
        },
      ] as unknown as DeclarationsByProvider[P];
    case 'json-schema':
      return parts.map((p): JsonSchemaToolDeclaration => ({ name: p.name, description: p.description, inputSchema: p.input, ...(p.output === undefined ? {} : { outputSchema: p.output }) })) as DeclarationsByProvider[P];
  }
}
