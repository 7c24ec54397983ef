import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTimeline } from '../../src/observe/timeline.js';

describe('renderTimeline', () => {
  it('one bar per call, scaled from the first start to the last end, with times', () => {
    const lines = renderTimeline(
      [
        { label: 'search', startedMs: 0, endedMs: 500, status: 'succeeded' },
        { label: 'read_file', startedMs: 500, endedMs: 1000, status: 'succeeded' },
      ],
      { width: 40 },
    );
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    const bar0 = (lines[0] as string).slice(11).split('  ')[0] as string;
    const bar1 = (lines[1] as string).slice(11).split('  ')[0] as string;
    expect(bar0).toMatch(/^█+░+$/);
    expect(bar1).toMatch(/^░+█+$/);
    expect(bar0.indexOf('░')).toBe(bar1.indexOf('█'));
    expect(lines[0]).toMatch(/^search {5}/);
    expect(lines[1]).toContain('500–1000 ms');
  });

  it('marks failed, skipped, cancelled, rejected and unanswered calls', () => {
    const lines = renderTimeline([
      { label: 'a', startedMs: 0, endedMs: 10, status: 'failed', note: 'c1' },
      { label: 'b', endedMs: 10, status: 'skipped', note: 'c2' },
      { label: 'c', startedMs: 0, endedMs: 5, status: 'cancelled' },
      { label: 'd', endedMs: 1, status: 'rejected' },
      { label: 'e', startedMs: 2 },
      { label: 'f' },
    ]);
    expect(lines[0]).toContain('✗ failed');
    expect(lines[0]).toMatch(/c1$/);
    expect(lines[1]).toContain('⊘ skipped');
    expect(lines[1]).not.toContain('█');
    expect(lines[2]).toContain('■ cancelled');
    expect(lines[3]).toContain('⊗ rejected');
    expect(lines[4]).toContain('▒');
    expect(lines[5]).toContain('no response');
  });

  it('property: every line fits the width (when the width leaves room for a bar), every call that ran has a bar', () => {
    const row = fc.record({ label: fc.string({ maxLength: 30 }), start: fc.integer({ min: 0, max: 100_000 }), len: fc.integer({ min: 0, max: 100_000 }) });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 10 }), fc.integer({ min: 60, max: 200 }), (rows, width) => {
        const lines = renderTimeline(rows.map((r) => ({ label: r.label, startedMs: r.start, endedMs: r.start + r.len, status: 'succeeded', note: 'id' })), { width });
        for (const l of lines) {
          expect([...l].length).toBeLessThanOrEqual(width);
          expect(l).toContain('█');
        }
      }),
    );
  });
});
