/**
 * Relative links of the README and docs/*.md point at files that exist, except the pages other
 * work is writing, which the README marks as placeholders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built-cli.js';
import { docFiles } from './markdown.js';

/** Pages being written on other branches (the README's placeholder sections link to them). */
const COMING = new Set(['docs/protocol.md', 'docs/frameworks.md', 'docs/mcp.md', 'docs/observability.md', 'docs/scaling-out.md']);

describe('documentation links', () => {
  it('every relative link resolves to a file in the repository (or a page marked as coming)', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of docFiles()) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = match[1] as string;
        if (/^[a-z]+:/i.test(target)) continue;
        const path = normalize(join(dirname(file), target));
        checked++;
        if (!existsSync(join(ROOT, path)) && !COMING.has(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it('the README stays a front door: under 200 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });
});
