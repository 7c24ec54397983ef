import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemas } from '../src/plan/json-schemas.js';

const dir = new URL('../schemas/', import.meta.url);

describe('checked-in JSON Schemas', () => {
  const files = generateSchemas();

  it('covers the plan and the run events', () => {
    expect(files.map((f) => f.file)).toEqual(['plan.schema.json', 'events.schema.json']);
  });

  for (const { file, text } of files) {
    it(`schemas/${file} is up to date (run npm run schemas)`, () => {
      let onDisk: string;
      try {
        onDisk = readFileSync(new URL(file, dir), 'utf8');
      } catch {
        throw new Error(`schemas/${file} is missing: run npm run schemas`);
      }
      expect(onDisk, `schemas/${file} is stale: run npm run schemas`).toBe(text);
    });

    it(`schemas/${file} has $schema, $id and title and ends with a newline`, () => {
      const json = JSON.parse(text) as Record<string, unknown>;
      expect(json['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(json['$id']).toMatch(new RegExp(`/${file.replace(/\./g, '\\.')}$`));
      expect(typeof json['title']).toBe('string');
      expect(text.endsWith('}\n')).toBe(true);
    });
  }

  it('the plan schema requires id, tool and args and refuses unknown keys', () => {
    const plan = JSON.parse(files[0]!.text) as {
      additionalProperties: unknown;
      properties: { calls: { items: { required: string[]; additionalProperties: unknown } } };
    };
    expect(plan.additionalProperties).toBe(false);
    expect(plan.properties.calls.items.required).toEqual(['id', 'tool', 'args']);
    expect(plan.properties.calls.items.additionalProperties).toBe(false);
  });
});
