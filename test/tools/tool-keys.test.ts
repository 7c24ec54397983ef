import { describe, expect, it } from 'vitest';
import { ToolgraphError } from '../../src/errors.js';
import { defineTool, normalizeTool, toolRegistry } from '../../src/tools/define-tool.js';
import type { ToolDefinition } from '../../src/tools/tool-types.js';
import { suggestKey, TOOL_KEYS } from '../../src/tools/tool-keys.js';

const noop = (): null => null;

function errorOf(build: () => unknown): ToolgraphError {
  try {
    build();
  } catch (error) {
    if (ToolgraphError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ToolgraphError');
}

describe('unknown keys on a tool', () => {
  it('defineTool refuses every unknown key at once, each with a did-you-mean', () => {
    const error = errorOf(() => defineTool({ name: 'read', execute: noop, effect: { readOnly: true }, readonly: true, idempotant: true } as unknown as ToolDefinition));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('tool "read": unknown keys');
    expect(error.message).toContain('`effect` (did you mean `effects`?)');
    expect(error.message).toContain('`readonly` (did you mean `effects: { readOnly: true }`?)');
    expect(error.message).toContain('`idempotant` (did you mean `effects: { idempotent: true }`?)');
    expect(error.details?.['unknownKeys']).toHaveLength(3);
  });

  it('refuses misspelt keys inside effects and annotations', () => {
    expect(errorOf(() => defineTool({ name: 't', execute: noop, effects: { readonly: true } } as unknown as ToolDefinition)).message).toContain('`effects.readonly` (did you mean `readOnly`?)');
    expect(errorOf(() => defineTool({ name: 't', execute: noop, effects: { idempotant: true } } as unknown as ToolDefinition)).message).toContain('`effects.idempotant` (did you mean `idempotent`?)');
    expect(errorOf(() => defineTool({ name: 't', execute: noop, annotations: { readOnly: true } } as unknown as ToolDefinition)).message).toContain('`annotations.readOnly` (did you mean `readOnlyHint`?)');
  });

  it('plain tool objects through the registry and normalizeTool are refused the same way', () => {
    expect(errorOf(() => toolRegistry([{ name: 'x', execute: noop, concurency: 2 } as unknown as ToolDefinition])).message).toContain('`concurency` (did you mean `concurrency`?)');
    expect(errorOf(() => normalizeTool({ name: 'x', execute: noop, timeout: 5 } as unknown as ToolDefinition)).message).toContain('`timeout` (did you mean `timeoutMs`?)');
  });

  it('an unknown key with nothing close has no suggestion', () => {
    const error = errorOf(() => defineTool({ name: 't', execute: noop, zzzzqqq: 1 } as unknown as ToolDefinition));
    expect(error.message).toMatch(/unknown key `zzzzqqq`$/);
  });

  it('suggests every known key for itself in any case, and nothing for far-off words', () => {
    for (const key of TOOL_KEYS) expect(suggestKey(key.toUpperCase(), TOOL_KEYS)).toBe(`\`${key}\``);
    expect(suggestKey('banana', TOOL_KEYS)).toBeUndefined();
  });
});

describe('MCP-shaped tool descriptions', () => {
  it('are accepted as they are: inputSchema, outputSchema, annotations and title map to input, output and effects', () => {
    const tool = defineTool({
      name: 'get_weather',
      title: 'Weather',
      description: 'Weather for a city',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      outputSchema: { type: 'object', properties: { temp: { type: 'number' } } },
      annotations: { title: 'Weather', readOnlyHint: true, idempotentHint: true, openWorldHint: true },
      execute: noop,
    });
    expect(tool.resolvedEffects).toEqual({ readOnly: true, idempotent: true, destructive: false, openWorld: true });
    expect(tool.inputJsonSchema).toMatchObject({ required: ['city'] });
    expect(tool.outputJsonSchema).toMatchObject({ properties: { temp: { type: 'number' } } });
    expect(tool.input).toBeDefined();
  });

  it('a destructiveHint: false write is a non-destructive write', () => {
    const tool = defineTool({ name: 'append', annotations: { readOnlyHint: false, destructiveHint: false }, execute: noop });
    expect(tool.resolvedEffects).toMatchObject({ readOnly: false, destructive: false });
  });

  it('refuses both shapes of the same thing, and hints that are not booleans', () => {
    expect(errorOf(() => defineTool({ name: 't', execute: noop, effects: { readOnly: true }, annotations: { readOnlyHint: true } })).message).toMatch(/give `effects` or MCP's `annotations`, not both/);
    expect(errorOf(() => defineTool({ name: 't', execute: noop, input: { type: 'object' }, inputSchema: { type: 'object' } })).message).toMatch(/`input` or MCP's `inputSchema`/);
    expect(errorOf(() => defineTool({ name: 't', execute: noop, annotations: { readOnlyHint: 'yes' as unknown as boolean } })).message).toMatch(/annotations.readOnlyHint` to be true or false/);
  });
});
