import { describe, expect, it } from 'vitest';
import { geminiAdapter } from '../../src/agent/gemini-adapter.js';
import { runAgent } from '../../src/agent/run-agent.js';

const read = { readOnly: true, idempotent: true } as const;
const weather = { name: 'get_weather', effects: read, execute: (a: { city: string }) => ({ city: a.city, c: 21 }) };

function candidate(parts: unknown[], finishReason = 'STOP') {
  return { candidates: [{ content: { role: 'model', parts }, finishReason }] };
}

async function* stream(chunks: readonly unknown[]): AsyncIterable<unknown> {
  for (const c of chunks) yield c;
}

describe('runAgent with Gemini', () => {
  it("appends the candidate's content as the model turn and answers with one user content of functionResponse parts", async () => {
    const contents: unknown[][] = [];
    const parts = [
      { text: 'Checking.' },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig' },
      { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
    ];
    const result = await runAgent({
      provider: geminiAdapter(),
      messages: [{ role: 'user', parts: [{ text: 'Paris or Oslo?' }] }],
      callModel: ({ turn, messages }) => {
        contents.push([...messages]);
        return turn === 1 ? candidate(parts) : candidate([{ text: 'Both 21.' }]);
      },
      tools: [weather],
    });
    expect(result.text).toBe('Both 21.');
    const second = contents[1] as Record<string, unknown>[];
    expect(second[1]).toEqual({ role: 'model', parts }); // thought signatures go back as they came
    expect(second[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { result: { city: 'Paris', c: 21 } } } },
        { functionResponse: { name: 'get_weather', response: { result: { city: 'Oslo', c: 21 } } } },
      ],
    });
  });

  it('rebuilds a streamed model turn from its chunks, keeping ids the model gave', async () => {
    const contents: unknown[][] = [];
    await runAgent({
      provider: geminiAdapter(),
      callModel: ({ turn, messages }) => {
        contents.push([...messages]);
        if (turn === 2) return candidate([{ text: 'done' }]);
        return stream([candidate([{ text: 'Let me ' }], ''), candidate([{ text: 'check.' }, { functionCall: { id: 'fc-7', name: 'get_weather', args: { city: 'Rome' } } }])]);
      },
      tools: [weather],
    });
    const second = contents[1] as Record<string, unknown>[];
    expect(second[0]).toEqual({ role: 'model', parts: [{ text: 'Let me check.' }, { functionCall: { name: 'get_weather', args: { city: 'Rome' }, id: 'fc-7' } }] });
    expect(second[1]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', id: 'fc-7', response: { result: { city: 'Rome', c: 21 } } } }] });
  });
});
