import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseOpenAIChat } from '../../src/formats/openai-chat.js';
import { validatePlan } from '../../src/graph/validate.js';
import { planTool, PLAN_TOOL_NAME } from '../../src/protocol/plan-tool.js';
import { runPlanOutcome } from '../../src/protocol/run-plan-outcome.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { inputJsonSchemaOf } from '../../src/tools/tool-json-schema.js';

function tools() {
  const seen: unknown[] = [];
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather of a city.',
    input: z.object({ city: z.string() }),
    output: z.object({ temperature: z.number(), sky: z.string() }),
    effects: { readOnly: true, idempotent: true },
    execute: ({ city }) => {
      seen.push({ tool: 'get_weather', city });
      return { temperature: city === 'Paris' ? 21 : 9, sky: 'clear' };
    },
  });
  const convert = defineTool({
    name: 'to_fahrenheit',
    input: z.object({ celsius: z.number() }),
    effects: { readOnly: true, idempotent: true },
    execute: ({ celsius }) => {
      seen.push({ tool: 'to_fahrenheit', celsius });
      return celsius * 1.8 + 32;
    },
  });
  const fail = defineTool({
    name: 'flaky',
    input: z.object({}),
    effects: { readOnly: true },
    execute: () => {
      throw new Error('upstream said no');
    },
  });
  return { list: [getWeather, convert, fail], seen };
}

describe('planTool', () => {
  it('is a tool named run_plan whose input schema lists the tools and carries each tool\'s arguments', () => {
    const tool = planTool(tools().list);
    expect(tool.name).toBe(PLAN_TOOL_NAME);
    const schema = inputJsonSchemaOf(tool) as { properties: { calls: { items: { anyOf: { properties: { tool: { enum: string[] }; args: { properties: Record<string, unknown> } } }[] } } } };
    const branches = schema.properties.calls.items.anyOf;
    expect(branches.map((b) => b.properties.tool.enum)).toEqual([['get_weather'], ['to_fahrenheit'], ['flaky']]);
    // A number argument also admits a placeholder string.
    expect(JSON.stringify(branches[1]?.properties.args.properties['celsius'])).toContain('pattern');
  });

  it('runs a plan as a DAG: a whole-string placeholder passes the number itself, and every outcome comes back', async () => {
    const { list, seen } = tools();
    const tool = planTool(list);
    const plan = {
      calls: [
        { id: 'w', tool: 'get_weather', args: { city: 'Paris' } },
        { id: 'f', tool: 'to_fahrenheit', args: { celsius: '${w.temperature}' } },
        { id: 'x', tool: 'flaky', args: {} },
      ],
    };
    const result = await run({ calls: [{ id: 'p', tool: 'run_plan', args: plan }] }, { tools: [tool] });
    expect(result.calls['p']?.status).toBe('succeeded');
    const out = result.calls['p']?.result as { ok: boolean; calls: { id: string; status: string; result?: unknown; error?: string }[] };
    expect(out.ok).toBe(false);
    expect(out.calls.map((c) => [c.id, c.status])).toEqual([
      ['w', 'succeeded'],
      ['f', 'succeeded'],
      ['x', 'failed'],
    ]);
    expect(out.calls[1]?.result).toBeCloseTo(69.8);
    expect(out.calls[2]?.error).toBe('Error (TOOL_ERROR): upstream said no. You can retry, try another way, or continue without it.');
    expect(seen).toContainEqual({ tool: 'to_fahrenheit', celsius: 21 });
  });

  it('runs from a provider response: the outer run leaves the plan\'s placeholders to the plan', async () => {
    const { list } = tools();
    const tool = planTool(list);
    const response = {
      choices: [
        {
          message: {
            role: 'assistant',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: {
                  name: 'run_plan',
                  arguments: JSON.stringify({ calls: [{ id: 'w', tool: 'get_weather', args: { city: 'Oslo' } }, { id: 'f', tool: 'to_fahrenheit', args: { celsius: '${w.temperature}' } }] }),
                },
              },
            ],
          },
        },
      ],
    };
    const parsed = parseOpenAIChat(response);
    expect(validatePlan({ calls: parsed.calls }, { tools: [tool] }).issues).toEqual([]);
    const result = await run(parsed.items, { tools: [tool] });
    const out = result.calls['call_1']?.result as { calls: { id: string; result?: unknown }[] };
    expect(out.calls.find((c) => c.id === 'f')?.result).toBeCloseTo(48.2);
  });

  it('refuses a plan with problems before anything runs, listing every problem with its location', async () => {
    const { list, seen } = tools();
    const outcome = await runPlanOutcome(
      {
        calls: [
          { id: 'w', tool: 'get_weather', args: { city: 'Paris' } },
          { id: 'f', tool: 'to_fahrenheit', args: { celsius: '${nope.temperature}' } },
          { id: 'g', tool: 'no_such_tool', args: {} },
        ],
      },
      { tools: list },
    );
    expect(seen).toEqual([]);
    expect(outcome.isError).toBe(true);
    expect(outcome.result.calls).toEqual([]);
    expect(outcome.result.problems?.some((p) => p.includes('calls[1].args.celsius') && p.includes('nope'))).toBe(true);
    expect(outcome.result.problems?.some((p) => p.includes('no_such_tool'))).toBe(true);
    expect(outcome.text.startsWith('Error (INVALID_PLAN): the plan was not run')).toBe(true);
  });

  it('with validateFirst: false runs the good calls and reports the bad one', async () => {
    const { list } = tools();
    const outcome = await runPlanOutcome(
      { calls: [{ id: 'w', tool: 'get_weather', args: { city: 'Paris' } }, { id: 'g', tool: 'no_such_tool', args: {} }] },
      { tools: list, validateFirst: false },
    );
    expect(outcome.result.calls.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    expect(outcome.text).toContain('w (get_weather) succeeded: {"temperature":21,"sky":"clear"}');
    expect(outcome.text).toContain('g (no_such_tool) failed: Error (UNKNOWN_TOOL)');
  });

  it('takes "after": null (what OpenAI strict mode sends for no after) as no after', async () => {
    const { list } = tools();
    const outcome = await runPlanOutcome(
      { calls: [{ id: 'w', tool: 'get_weather', args: { city: 'Paris' }, after: null }, { id: 'f', tool: 'to_fahrenheit', args: { celsius: '${w.temperature}' }, after: ['w'] }] },
      { tools: list },
    );
    expect(outcome.result.calls.map((c) => c.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('combines effects: read-only only when every tool is', () => {
    const { list } = tools();
    expect(planTool(list.slice(0, 2)).resolvedEffects.readOnly).toBe(true);
    const write = defineTool({ name: 'send', execute: () => 'ok' });
    const effects = planTool([...list, write]).resolvedEffects;
    expect(effects.readOnly).toBe(false);
    expect(effects.destructive).toBe(true);
  });

  it('refuses a tool list that already has a run_plan', () => {
    const other = defineTool({ name: 'run_plan', execute: () => 1 });
    expect(() => planTool([other])).toThrow(/already named "run_plan"/);
  });
});
