import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nestfulString, parseNestful } from '../../src/formats/nestful.js';
import { validatePlan } from '../../src/graph/validate.js';

// The shared datasets sit beside the repository (as they do for CI's clone).
const dir = new URL('../../../shared/datasets/nestful-v1/', import.meta.url).pathname;
if (!existsSync(dir)) console.warn(`[nestful] ${dir} is absent: the dataset tests are skipped (the unit tests still run)`);

describe('parseNestful', () => {
  it('reads labels as ids, $var$ references as placeholders, and skips var_result', () => {
    const parsed = parseNestful({
      input: 'Route then pace.',
      output: [
        { name: 'calculate_route', arguments: { locations: ['New York', 'Boston'], mode: 'car' }, label: 'var1' },
        { name: 'convert', arguments: { amount: '100 * $var1.Exchange Rate$', first: '$var1.author[0].id$', price: '$100-$200', odd: '${x}' }, label: 'var2' },
        { name: 'calculate_pace', arguments: { distance: '$var1.distance$', all: '$var2$', note: 'Meeting ID: $var1.event_id$' }, label: 'var3' },
        { name: 'var_result', arguments: { pace: '$var3$' } },
      ],
    });
    expect(parsed.text).toBe('Route then pace.');
    expect(parsed.calls).toEqual([
      { id: 'var1', tool: 'calculate_route', args: { locations: ['New York', 'Boston'], mode: 'car' } },
      { id: 'var2', tool: 'convert', args: { amount: "100 * ${var1['Exchange Rate']}", first: '${var1.author[0].id}', price: '$100-$200', odd: '$${x}' } },
      { id: 'var3', tool: 'calculate_pace', args: { distance: '${var1.distance}', all: '${var2}', note: 'Meeting ID: ${var1.event_id}' } },
    ]);
    const v = validatePlan(parsed.calls);
    expect(v.issues).toEqual([]);
    expect(v.plan?.analysis.depth).toBe(3);
  });

  it('leaves text that is not a reference to a known label as literal text', () => {
    const labels = new Set(['var1']);
    expect(nestfulString('var1.product_id$', labels)).toBe('var1.product_id$');
    expect(nestfulString('$var9.x$ and $var1$', labels)).toBe('$var9.x$ and ${var1}');
    expect(nestfulString('$var1.localtime$ - $var1.other$', labels)).toBe('${var1.localtime} - ${var1.other}');
  });

  it('reports a reused label as a duplicate, keeping the other calls', () => {
    const parsed = parseNestful([{ name: 'a', arguments: {}, label: 'var1' }, { name: 'b', arguments: { x: 1 }, label: 'var1' }, { name: 'c', arguments: 'x', label: 'var2' }]);
    expect(parsed.calls).toEqual([{ id: 'var1', tool: 'a', args: {} }]);
    expect(parsed.problems.map((p) => p.error.location)).toEqual(['[1].id', '[2].arguments']);
  });
});

describe.runIf(existsSync(dir))('NESTFUL dataset (all samples)', () => {
  const files = ['executable-data.json', 'non-executable-glaive-data.json', 'non-executable-sgd-data.json'] as const;
  // Four samples reuse a label for two calls (a dataset error): glaive #45 (var3), #94 (var1), sgd #18 (var2), #34 (var1).
  const DUPLICATE_LABELS: Record<(typeof files)[number], number[]> = { 'executable-data.json': [], 'non-executable-glaive-data.json': [45, 94], 'non-executable-sgd-data.json': [18, 34] };

  for (const file of files) {
    it(`${file}: every sample parses; all but the duplicate-label samples validate`, () => {
      const samples = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { output: { name: string; label?: string }[] }[];
      const invalid: number[] = [];
      samples.forEach((sample, i) => {
        const parsed = parseNestful(sample);
        const calls = sample.output.filter((c) => c.name !== 'var_result').length;
        expect(parsed.items.length).toBe(calls); // nothing dropped
        const v = validatePlan(parsed.calls);
        expect(v.issues).toEqual([]); // the readable calls always form a valid plan
        if (parsed.problems.length > 0) {
          invalid.push(i);
          for (const p of parsed.problems) expect(p.error.message).toMatch(/is used by an earlier call/);
        }
      });
      expect(invalid).toEqual(DUPLICATE_LABELS[file]);
    });
  }

  it('296 of the 300 samples validate in full', () => {
    let valid = 0;
    for (const file of files) {
      for (const sample of JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown[]) {
        const parsed = parseNestful(sample);
        if (parsed.problems.length === 0 && validatePlan(parsed.calls).valid) valid++;
      }
    }
    console.info(`[nestful] ${valid}/300 samples validate in full`);
    expect(valid).toBeGreaterThanOrEqual(296);
  });
});
