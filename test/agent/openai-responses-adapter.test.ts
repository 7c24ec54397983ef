import { describe, expect, it } from 'vitest';
import { openAIResponsesAdapter } from '../../src/agent/openai-responses-adapter.js';
import { runAgent } from '../../src/agent/run-agent.js';
import { responsesEvents } from '../formats/helpers.js';

const read = { readOnly: true, idempotent: true } as const;
const weather = { name: 'get_weather', effects: read, execute: (a: { city: string }) => ({ city: a.city, c: a.city === 'Paris' ? 21 : 9 }) };

async function* stream(events: readonly unknown[]): AsyncIterable<unknown> {
  for (const e of events) yield e;
}

describe('runAgent with OpenAI Responses', () => {
  it('passes the output items back unchanged (reasoning included) and answers with function_call_output items', async () => {
    const inputs: unknown[][] = [];
    const first = {
      status: 'completed',
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ],
    };
    const result = await runAgent({
      provider: openAIResponsesAdapter(),
      messages: [{ role: 'user', content: 'Paris or Oslo?' }],
      callModel: ({ turn, messages }) => {
        inputs.push([...messages]);
        return turn === 1 ? first : { status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Paris is warmer.' }] }] };
      },
      tools: [weather],
    });
    expect(result.text).toBe('Paris is warmer.');
    const second = inputs[1] as Record<string, unknown>[];
    expect(second.slice(1, 4)).toEqual(first.output);
    expect(second.slice(4)).toEqual([
      { type: 'function_call_output', call_id: 'call_1', output: JSON.stringify({ city: 'Paris', c: 21 }) },
      { type: 'function_call_output', call_id: 'call_2', output: JSON.stringify({ city: 'Oslo', c: 9 }) },
    ]);
  });

  it('rebuilds the function_call items of a streamed turn, with their call ids and argument text', async () => {
    const inputs: unknown[][] = [];
    await runAgent({
      provider: openAIResponsesAdapter(),
      callModel: ({ turn, messages }) => {
        inputs.push([...messages]);
        if (turn === 2) return { status: 'completed', output: [] };
        return stream(responsesEvents([{ id: 'call_9', name: 'get_weather', args: '{"city":"Oslo"}' }], [['{"city"', ':"Oslo"}']]));
      },
      tools: [weather],
    });
    const second = inputs[1] as Record<string, unknown>[];
    expect(second[0]).toEqual({ type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(second[1]).toMatchObject({ type: 'function_call_output', call_id: 'call_9' });
  });
});
