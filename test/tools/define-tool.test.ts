import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { ToolgraphError } from '../../src/errors.js';
import { defineTool, normalizeTool, resolveEffects, toolRegistry } from '../../src/tools/define-tool.js';
import type { ToolDefinition, ToolEffects } from '../../src/tools/tool-types.js';

const noop = (): null => null;

function definitionError(definition: unknown): ToolgraphError {
  try {
    defineTool(definition as ToolDefinition);
  } catch (error) {
    if (ToolgraphError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected defineTool to throw');
}

describe('effects: MCP defaults', () => {
  it('a tool that says nothing is a destructive, non-idempotent, open-world write (defineTool)', () => {
    expect(defineTool({ name: 't', execute: noop }).resolvedEffects).toEqual({ readOnly: false, destructive: true, idempotent: false, openWorld: true });
  });

  it('a plain tool object gets the same defaults through the registry', () => {
    const registry = toolRegistry([{ name: 'plain', execute: noop }]);
    expect(registry.get('plain')?.resolvedEffects).toEqual({ readOnly: false, destructive: true, idempotent: false, openWorld: true });
    const byRecord = toolRegistry({ keyed: { execute: noop } as unknown as ToolDefinition });
    expect(byRecord.get('keyed')?.resolvedEffects.destructive).toBe(true);
  });

  it('keeps what is given and fills only what is missing', () => {
    expect(resolveEffects({ effects: { idempotent: true } })).toEqual({ readOnly: false, destructive: true, idempotent: true, openWorld: true });
    expect(resolveEffects({ effects: { destructive: false, openWorld: false } })).toEqual({ readOnly: false, destructive: false, idempotent: false, openWorld: false });
  });

  it('a read-only tool is never destructive', () => {
    expect(resolveEffects({ effects: { readOnly: true } })).toEqual({ readOnly: true, destructive: false, idempotent: false, openWorld: true });
    expect(resolveEffects({ effects: { readOnly: true, destructive: true } }).destructive).toBe(false);
  });

  it('property: every field either keeps its given value or takes its MCP default', () => {
    const maybe = fc.option(fc.boolean(), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ readOnly: maybe, idempotent: maybe, destructive: maybe, openWorld: maybe }), (raw) => {
        const effects = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as ToolEffects;
        const plain = normalizeTool({ name: 'p', execute: noop, effects }).resolvedEffects;
        const defined = defineTool({ name: 'd', execute: noop, effects }).resolvedEffects;
        expect(plain).toEqual(defined);
        expect(plain.readOnly).toBe(effects.readOnly ?? false);
        expect(plain.idempotent).toBe(effects.idempotent ?? false);
        expect(plain.openWorld).toBe(effects.openWorld ?? true);
        expect(plain.destructive).toBe(plain.readOnly ? false : (effects.destructive ?? true));
      }),
    );
  });
});

describe('retry and hedge are checked at definition', () => {
  it('retry on a non-idempotent write throws INVALID_OPTION naming the tool', () => {
    const error = definitionError({ name: 'send_email', execute: noop, retry: { maxAttempts: 3 } });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('send_email');
    expect(error.message).toContain('retry');
    expect(error.details).toEqual({ tool: 'send_email' });
  });

  it('retry on a plain object is refused the same way when the registry is built', () => {
    expect(() => toolRegistry([{ name: 'w', execute: noop, retry: {} }])).toThrow(/retry/);
  });

  it('retry is allowed on idempotent writes and on reads', () => {
    expect(defineTool({ name: 'put', execute: noop, effects: { idempotent: true }, retry: { maxAttempts: 2 } }).retry).toEqual({ maxAttempts: 2 });
    expect(defineTool({ name: 'get', execute: noop, effects: { readOnly: true }, retry: {} }).retry).toEqual({});
  });

  it('refuses bad retry numbers', () => {
    const ok = { name: 'r', execute: noop, effects: { readOnly: true } };
    expect(definitionError({ ...ok, retry: { maxAttempts: 0 } }).message).toContain('retry.maxAttempts');
    expect(definitionError({ ...ok, retry: { initialMs: -1 } }).message).toContain('retry.initialMs');
    expect(definitionError({ ...ok, retry: { jitter: 2 } }).message).toContain('retry.jitter');
  });

  it.each([
    ['a default write', undefined],
    ['an idempotent write', { idempotent: true }],
    ['a read that is not idempotent', { readOnly: true }],
  ] as const)('hedge is refused on %s', (_label, effects) => {
    const error = definitionError({ name: 'h', execute: noop, ...(effects === undefined ? {} : { effects }), hedge: { afterMs: 10 } });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('hedge');
  });

  it('hedge is allowed on read-only idempotent tools, and its numbers are checked', () => {
    const read = { name: 'h', execute: noop, effects: { readOnly: true, idempotent: true } };
    expect(defineTool({ ...read, hedge: { percentile: 95 } }).hedge).toEqual({ percentile: 95 });
    expect(definitionError({ ...read, hedge: { percentile: 100 } }).message).toContain('hedge.percentile');
    expect(definitionError({ ...read, hedge: { maxExtra: 1.5 } }).message).toContain('hedge.maxExtra');
  });

  it('refs policies must be literal, any or a list of tool names', () => {
    expect(definitionError({ name: 'mail', execute: noop, refs: { to: 'sometimes' } }).message).toContain('refs.to');
    expect(defineTool({ name: 'mail', execute: noop, input: z.object({ to: z.string() }), refs: { to: ['lookup'] } }).refs).toEqual({ to: ['lookup'] });
  });

  it('resources must be a function', () => {
    expect(definitionError({ name: 'w', execute: noop, resources: ['file:a'] }).message).toContain('resources');
  });
});

describe('normalizeTool reuses the tool made from an unchanged plain object', () => {
  it('the same object gives the same tool, run after run', () => {
    const plain = { name: 'p', execute: noop, effects: { readOnly: true } };
    const first = normalizeTool(plain);
    expect(normalizeTool(plain)).toBe(first);
    expect(toolRegistry([plain]).get('p')).toBe(first);
  });

  it('a changed setting, nested or not, gives a new tool that follows it', () => {
    const plain: Record<string, unknown> & { effects: { readOnly: boolean; destructive?: boolean } } = { name: 'p', execute: noop, effects: { readOnly: true } };
    const first = normalizeTool(plain as never);
    plain.effects.readOnly = false; // changed in place
    const second = normalizeTool(plain as never);
    expect(second).not.toBe(first);
    expect(second.resolvedEffects.readOnly).toBe(false);
    const other = (): number => 1;
    plain['execute'] = other;
    const third = normalizeTool(plain as never);
    expect(third).not.toBe(second);
    expect(third.execute).toBe(other);
    plain['timeoutMs'] = 5; // a key added
    expect(normalizeTool(plain as never).timeoutMs).toBe(5);
    delete plain['timeoutMs']; // and removed
    expect(normalizeTool(plain as never).timeoutMs).toBeUndefined();
    plain['timeoutMs'] = 7;
    expect(normalizeTool(plain as never).timeoutMs).toBe(7);
    delete plain['timeoutMs']; // removed while another key is added as undefined: same count, same values
    plain['latencyMs'] = undefined;
    expect(normalizeTool(plain as never).timeoutMs).toBeUndefined();
  });

  it('a tool made by defineTool is returned as it is', () => {
    const t = defineTool({ name: 'd', execute: noop });
    expect(normalizeTool(t)).toBe(t);
  });
});
