import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseLLMCompiler } from '../../src/formats/llmcompiler.js';
import { mapPositionalArgs, parameterNames, signaturesOf } from '../../src/formats/positional-args.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { runInProcess } from '../helpers/built-cli.js';

const seen: unknown[] = [];
const getWeather = defineTool({
  name: 'get_weather',
  input: z.object({ city: z.string(), unit: z.enum(['C', 'F']).optional() }),
  effects: { readOnly: true },
  execute: (args) => {
    seen.push(args);
    return { temperature: 21 };
  },
});
const ping = defineTool({ name: 'ping', input: z.object({}), execute: () => 'pong' });
const free = defineTool({ name: 'free', execute: (args) => args });

describe('positional arguments', () => {
  it('names come from the input schema, in declaration order', () => {
    expect(parameterNames(getWeather)).toEqual(['city', 'unit']);
    expect(parameterNames(free)).toBeUndefined();
    expect([...signaturesOf([getWeather, ping, free])]).toEqual([
      ['get_weather', ['city', 'unit']],
      ['ping', []],
    ]);
  });

  it('get_weather("Paris") reaches the tool as { city: "Paris" }, never { "0": ... }', async () => {
    seen.length = 0;
    const parsed = parseLLMCompiler('1. get_weather("Paris", unit="F")\n2. get_weather("Oslo", "C")\n3. join()', { namesFrom: [getWeather] });
    expect(parsed.problems).toEqual([]);
    const result = await run(parsed.items, { tools: [getWeather] });
    expect(result.calls['1']?.status).toBe('succeeded');
    expect(seen).toEqual([
      { city: 'Paris', unit: 'F' },
      { city: 'Oslo', unit: 'C' },
    ]);
  });

  it('a position that cannot be named is a clear error for that call; the others still run', async () => {
    const parsed = parseLLMCompiler('1. get_weather("Paris")\n2. ping(1)\n3. free("x")\n4. get_weather("a", "C", 3)', { namesFrom: [getWeather, ping, free] });
    expect(parsed.calls.map((c) => c.id)).toEqual(['1']);
    expect(parsed.problems.map((p) => [p.id, p.error.code, p.error.message])).toEqual([
      ['2', 'MALFORMED_CALL', 'line 2: ping takes no positional arguments; 1 were given'],
      ['3', 'MALFORMED_CALL', 'line 3: free has positional arguments but its parameter names are unknown: write them by name, e.g. free(name=...), or give the parser the tools (or signatures)'],
      ['4', 'MALFORMED_CALL', 'line 4: get_weather takes 2 positional arguments (city, unit); 3 were given'],
    ]);
    const result = await run(parsed.items, { tools: [getWeather, ping, free] });
    expect(result.calls['1']?.status).toBe('succeeded');
    expect(result.calls['3']?.status).toBe('failed');
    expect(result.calls['3']?.error?.code).toBe('MALFORMED_CALL');
  });

  it('explicit signatures win over the tools, and keyword arguments never collide silently', () => {
    const parsed = parseLLMCompiler('1. get_weather("Paris", place="x")', { namesFrom: [getWeather], signatures: { get_weather: ['place'] } });
    expect(parsed.problems[0]?.error.message).toMatch(/"place" is given both by position and by name/);
    expect(mapPositionalArgs('t', [], [['__proto__', 1]], undefined).args).toEqual(JSON.parse('{"__proto__":1}'));
  });

  it('the CLI names positional arguments from the tools module', async () => {
    const out = await runInProcess(['run', '-', '--tools', 'test/fixtures/cli-weather-tools.mjs', '--json', '--format', 'llmcompiler'], '1. get_weather("Paris")\n2. shout("It is $1")\n3. nameless("x")\n4. join()\n');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { calls: Record<string, { status: string; args: unknown; error?: { message: string } }> };
    expect(json.calls['1']).toMatchObject({ status: 'succeeded', args: { city: 'Paris' } });
    expect(json.calls['2']).toMatchObject({ status: 'succeeded', args: { text: 'It is {"city":"Paris","temperature":21,"unit":"C"}' } });
    expect(json.calls['3']?.status).toBe('failed');
    expect(json.calls['3']?.error?.message).toMatch(/nameless has positional arguments but its parameter names are unknown/);
  });
});
