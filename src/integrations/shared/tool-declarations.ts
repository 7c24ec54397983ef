/**
 * How a toolgraph tool is declared to a framework: the protocol's provider-neutral declaration
 * (`toolDeclarations(..., { provider: 'json-schema' })`), whose argument schema admits a
 * placeholder (`"${id.path}"` or `{ "$ref": id, "path"?: ... }`) at every typed position. So the
 * framework's own schema check lets a dependent call through to toolgraph, which fills it and
 * checks the real values against the tool's real schema.
 */
import { toolDeclarations } from '../../protocol/tool-declarations.js';
import type { JsonSchemaToolDeclaration } from '../../protocol/tool-declarations.js';
import type { ToolLike } from '../../tools/tool-types.js';

/**
 * A tool's name, description (with what it returns, when it has an output schema) and
 * placeholder-admitting JSON Schema of its arguments.
 *
 * @example
 * declarationOf(defineTool({ name: 'get', input: z.object({ n: z.number() }), execute })).inputSchema
 * // { type: 'object', properties: { n: { anyOf: [{ type: 'number' }, <"${id.path}">, <{ $ref }>] } }, ... }
 */
export function declarationOf(tool: ToolLike): JsonSchemaToolDeclaration {
  const [declaration] = toolDeclarations([tool], { provider: 'json-schema', refObjects: true });
  if (declaration === undefined) throw new Error(`toolgraph: no declaration for ${tool.name}`);
  return declaration;
}
