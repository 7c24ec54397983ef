import { describe, expect, it } from 'vitest';
import { createGeminiStreamParser, parseGemini, renderGeminiResults } from '../../src/formats/gemini.js';
import { collectOutcomes } from '../../src/formats/render-outcome.js';
import { validatePlan } from '../../src/graph/validate.js';
import { feed, fixture } from './helpers.js';

describe('parseGemini', () => {
  it('reads functionCall parts; calls without id get their position, so ${1} works', () => {
    const parsed = parseGemini(fixture('gemini-response.json'));
    expect(parsed.text).toBe('Let me check the stock prices.');
    expect(parsed.stopReason).toBe('STOP');
    expect(parsed.calls).toEqual([
      { id: '1', tool: 'get_stock_price', args: { ticker: 'GOOG' } },
      { id: '2', tool: 'get_stock_price', args: { ticker: 'AAPL' } },
      { id: '3', tool: 'compare_prices', args: { a: '${1.price}', b: '${2.price}' } },
    ]);
    expect(validatePlan(parsed.calls).plan?.analysis.depth).toBe(2);
    expect(parsed.ids.isGenerated('1')).toBe(true);
  });

  it('keeps provider ids and maps positional references to them', () => {
    const parsed = parseGemini({ candidates: [{ content: { parts: [
      { functionCall: { id: 'fc-a', name: 'f', args: {} } },
      { functionCall: { id: 'fc-b', name: 'g', args: { x: '${1}', y: 'cost $${1}' } } },
      { functionCall: { name: 'h' } },
      { functionCall: { id: 'fc-d', args: {} } },
    ] } }] });
    expect(parsed.calls).toEqual([
      { id: 'fc-a', tool: 'f', args: {} },
      { id: 'fc-b', tool: 'g', args: { x: '${fc-a}', y: 'cost $${1}' } },
      { id: '3', tool: 'h', args: {} },
    ]);
    expect(parsed.problems.map((p) => p.id)).toEqual(['fc-d']);
  });
});

describe('createGeminiStreamParser', () => {
  it('emits each chunk\'s function calls as they arrive, same as the whole response', () => {
    const { items, perPush } = feed(createGeminiStreamParser(), fixture('gemini-stream.json') as unknown[]);
    expect(items).toEqual(parseGemini(fixture('gemini-response.json')).calls);
    expect(perPush).toEqual([0, 1, 2]);
  });
});

describe('renderGeminiResults', () => {
  it('renders functionResponse parts: JSON results as they are, errors as text, generated ids left out', () => {
    const parsed = parseGemini({ candidates: [{ content: { parts: [
      { functionCall: { name: 'get_stock_price', args: { ticker: 'GOOG' } } },
      { functionCall: { id: 'fc-2', name: 'get_stock_price', args: { ticker: 'AAPL' } } },
      { functionCall: { name: 'compare_prices', args: {} } },
    ] } }] });
    const content = renderGeminiResults(collectOutcomes(parsed.items, new Map([
      ['1', { tool: 'get_stock_price', status: 'succeeded' as const, result: { price: 170.5 } }],
      ['fc-2', { tool: 'get_stock_price', status: 'failed' as const, error: { code: 'TOOL_ERROR', message: 'market closed' } }],
    ]), parsed.ids));
    expect(content).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_stock_price', response: { result: { price: 170.5 } } } },
        { functionResponse: { name: 'get_stock_price', id: 'fc-2', response: { error: 'Error (TOOL_ERROR): market closed. You can retry, try another way, or continue without it.' } } },
        { functionResponse: { name: 'compare_prices', response: { status: 'Still running: compare_prices has not finished yet; the result will follow in the next turn.' } } },
      ],
    });
    const big = renderGeminiResults([{ id: 'x', tool: 't', status: 'succeeded', result: { s: 'y'.repeat(100) } }], { maxResultChars: 30, role: 'function' });
    expect(big.role).toBe('function');
    expect(big.parts[0]?.functionResponse.response['result']).toMatch(/^\{"s":"y+\n… \[truncated: 78 of 108 characters cut\]$/);
  });
});
