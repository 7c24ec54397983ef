import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSealTools, sealToolSpecs } from '../../src/formats/seal-tools.js';
import { validatePlan } from '../../src/graph/validate.js';

// The shared datasets sit beside the repository (as they do for CI's clone).
const dir = new URL('../../../shared/datasets/seal-tools/', import.meta.url).pathname;
if (!existsSync(dir)) console.warn(`[seal-tools] ${dir} is absent: the dataset tests are skipped (the unit tests still run)`);

const SAMPLE = {
  id: 'dev-difficult-x',
  query: 'Weather in Paris, then advice.',
  calling: [
    { api: 'getWeather', parameters: { city: 'Paris' }, responses: ['API_call_0', 'API_call_1'] },
    { api: 'advise', parameters: { temp: 'API_call_1', cond: ['API_call_0'], text: 'API_call_0 response', note: '${raw}' }, responses: ['API_call_2'] },
    { api: 'summarize', parameters: { advice: 'API_call_2' }, responses: ['API_call_3'] },
  ],
};

describe('parseSealTools', () => {
  it('turns API_call_k parameters into field references using the tool specs', () => {
    const specs = sealToolSpecs([
      { api_name: 'getWeather', responses: { condition: {}, 'temp C': {} } },
      { api_name: 'advise', responses: { advice: {} } },
    ]);
    const parsed = parseSealTools(SAMPLE, { tools: specs });
    expect(parsed.text).toBe('Weather in Paris, then advice.');
    expect(parsed.calls).toEqual([
      { id: '1', tool: 'getWeather', args: { city: 'Paris' } },
      { id: '2', tool: 'advise', args: { temp: "${1['temp C']}", cond: ['${1.condition}'], text: 'API_call_0 response', note: '$${raw}' } },
      { id: '3', tool: 'summarize', args: { advice: '${2.advice}' } },
    ]);
    expect(validatePlan(parsed.calls).plan?.analysis.depth).toBe(3);
  });

  it('without specs: a one-field call gives its whole result; a many-field call cannot be resolved', () => {
    const parsed = parseSealTools(SAMPLE.calling);
    expect(parsed.calls.map((c) => c.id)).toEqual(['1', '3']);
    expect(parsed.calls[1]?.args).toEqual({ advice: '${2}' });
    expect(parsed.problems[0]?.error.message).toMatch(/API_call_1 names output field 2 of call 1 \(getWeather\), but no field names are known/);
  });
});

describe.runIf(existsSync(dir))('Seal-Tools dataset (dev.jsonl, all 700 samples)', () => {
  it('every sample parses into a valid plan; 27 chain calls', () => {
    const specs = sealToolSpecs(readFileSync(`${dir}/tool.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown));
    const rows = readFileSync(`${dir}/dev.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { id: string; calling: unknown[] });
    let valid = 0;
    let chained = 0;
    for (const row of rows) {
      const parsed = parseSealTools(row, { tools: specs });
      expect(parsed.items.length).toBe(row.calling.length);
      const v = validatePlan(parsed.calls);
      if (parsed.problems.length === 0 && v.valid) valid++;
      if ((v.plan?.analysis.depth ?? 0) > 1) chained++;
    }
    console.info(`[seal-tools] ${valid}/${rows.length} samples validate; ${chained} chain calls`);
    expect(valid).toBe(700);
    // The README counts 28 chained samples; dev-difficult-207 writes "API_call_0 response" (text, not a label), so it has no dependency.
    expect(chained).toBe(27);
  });
});
