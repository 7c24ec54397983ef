import { describe, expect, it } from 'vitest';
import { grown } from '../../src/schedule/grown.js';

describe('grown', () => {
  it('keeps the kind and the entries, zero-fills the rest, and at least doubles', () => {
    const ints = grown(Int32Array.of(1, -2, 3), 4);
    expect(ints).toBeInstanceOf(Int32Array);
    expect(Array.from(ints)).toEqual([1, -2, 3, 0, 0, 0]);
    const doubles = grown(Float64Array.of(0.5), 5);
    expect(doubles).toBeInstanceOf(Float64Array);
    expect(Array.from(doubles)).toEqual([0.5, 0, 0, 0, 0]);
    const bytes = grown(new Uint8Array(0), 0);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(0);
  });
});
