import { describe, expect, it } from 'vitest';
import { McpToolError, selectResult } from '../../src/mcp/index.js';

describe('selectResult: the value of an MCP call', () => {
  it('is structuredContent when present, even with text beside it', () => {
    expect(selectResult({ content: [{ type: 'text', text: 'ignored' }], structuredContent: { a: 1 } })).toEqual({ a: 1 });
  });

  it('is the text parsed as JSON when the whole text is JSON, else the text', () => {
    expect(selectResult({ content: [{ type: 'text', text: ' [1, {"b": null}] ' }] })).toEqual([1, { b: null }]);
    expect(selectResult({ content: [{ type: 'text', text: '42' }] })).toBe(42);
    expect(selectResult({ content: [{ type: 'text', text: '{"a": 1} and more' }] })).toBe('{"a": 1} and more');
    expect(selectResult({ content: [{ type: 'text', text: 'true story' }] })).toBe('true story');
  });

  it('joins several text blocks with newlines', () => {
    expect(selectResult({ content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] })).toBe('a\nb');
  });

  it('is the content array when there is no text', () => {
    const content = [{ type: 'image', text: undefined }];
    expect(selectResult({ content })).toBe(content);
  });

  it('throws McpToolError with the server text for isError', () => {
    expect(() => selectResult({ content: [{ type: 'text', text: 'disk full' }], isError: true })).toThrow(McpToolError);
    expect(() => selectResult({ content: [], isError: true })).toThrow('the server reported an error without text');
  });
});
