import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../src/agent/anthropic-adapter.js';
import { openAIChatAdapter } from '../../src/agent/openai-chat-adapter.js';
import { runAgent, type ModelRequest } from '../../src/agent/run-agent.js';

const read = { readOnly: true, idempotent: true } as const;

function toolCall(id: string, name: string, args: unknown) {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(args) } };
}

function chatResponse(toolCalls: unknown[] | undefined, content: string | null = null) {
  return { choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }] };
}

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('runAgent with OpenAI Chat Completions', () => {
  it('runs two dependent calls in one turn, answers them in order, and stops at the answer', async () => {
    const seen: unknown[] = [];
    const search = { name: 'search', effects: read, execute: (a: { q: string }) => ({ hits: [{ path: `${a.q}.md` }] }) };
    const readFile = { name: 'read_file', effects: read, execute: (a: { path: string }) => { seen.push(a.path); return `text of ${a.path}`; } };
    const requests: ModelRequest[] = [];
    const script = [
      chatResponse([toolCall('call_1', 'search', { q: 'limits' }), toolCall('call_2', 'read_file', { path: '${call_1.hits[0].path}' })]),
      chatResponse(undefined, 'The limit is 10/s.'),
    ];
    const result = await runAgent({
      provider: openAIChatAdapter(),
      callModel: (request) => {
        requests.push(request);
        return script[request.turn - 1];
      },
      messages: [{ role: 'user', content: 'What is the rate limit?' }],
      tools: [search, readFile],
    });
    expect(result.stopped).toBe('answer');
    expect(result.text).toBe('The limit is 10/s.');
    expect(seen).toEqual(['limits.md']);
    expect(requests).toHaveLength(2);
    const second = requests[1]?.messages as { role: string; tool_call_id?: string; content?: string }[];
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(second[2]).toMatchObject({ tool_call_id: 'call_1' });
    expect(second[3]).toMatchObject({ tool_call_id: 'call_2', content: 'text of limits.md' });
    expect(result.turns[0]?.outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('tells the model about a malformed call while the good one runs', async () => {
    const ran: string[] = [];
    const search = { name: 'search', effects: read, execute: (a: { q: string }) => { ran.push(a.q); return 'ok'; } };
    let secondTurn: unknown[] = [];
    await runAgent({
      provider: openAIChatAdapter(),
      callModel: ({ turn, messages }) => {
        if (turn === 2) {
          secondTurn = [...messages];
          return chatResponse(undefined, 'done');
        }
        return chatResponse([toolCall('call_a', 'search', { q: 'x' }), { id: 'call_b', type: 'function', function: { name: 'search', arguments: '{"q": ' } }]);
      },
      tools: [search],
    });
    expect(ran).toEqual(['x']);
    const tools = secondTurn.filter((m) => (m as { role: string }).role === 'tool') as { tool_call_id: string; content: string }[];
    expect(tools.map((t) => t.tool_call_id)).toEqual(['call_a', 'call_b']);
    expect(tools[1]?.content).toContain('MALFORMED_CALL');
  });

  it('dispatches a streamed call before the response has finished streaming', async () => {
    const started = deferred();
    const search = { name: 'search', effects: read, execute: (a: { q: string }) => { started.resolve(); return a.q; } };
    async function* stream() {
      yield { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":' } }] } }] };
      yield { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"a"}' } }] } }] };
      // A later index completes call 0; the stream then waits until search has started.
      yield { choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'search', arguments: '{"q":"b"}' } }] } }] };
      await started.promise;
      yield { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] };
    }
    const result = await runAgent({
      provider: openAIChatAdapter(),
      callModel: ({ turn }) => (turn === 1 ? stream() : chatResponse(undefined, 'fin')),
      tools: [search],
    });
    expect(result.text).toBe('fin');
    expect(result.turns[0]?.outcomes.map((o) => [o.id, o.status, o.result])).toEqual([
      ['call_1', 'succeeded', 'a'],
      ['call_2', 'succeeded', 'b'],
    ]);
  });

  it('rejoins early and delivers the late result with the next turn', async () => {
    const slow = deferred<string>();
    const tools = [
      { name: 'fast', effects: read, execute: () => 'quick' },
      { name: 'slow', effects: read, execute: () => slow.promise },
    ];
    const turns: unknown[][] = [];
    const result = await runAgent({
      provider: openAIChatAdapter(),
      rejoin: { first: 1 },
      callModel: ({ turn, messages }) => {
        turns.push([...messages]);
        if (turn === 1) return chatResponse([toolCall('c1', 'fast', {}), toolCall('c2', 'slow', {})]);
        if (turn === 2) {
          slow.resolve('finally');
          return chatResponse([toolCall('c3', 'fast', {})]);
        }
        return chatResponse(undefined, 'end');
      },
      tools,
    });
    const second = turns[1] as { role: string; content: string; tool_call_id?: string }[];
    expect(second.find((m) => m.tool_call_id === 'c2')?.content).toMatch(/still running/i);
    const third = turns[2] as { role: string; content: string }[];
    expect(third.some((m) => m.role === 'user' && m.content.includes('[c2] slow') && m.content.includes('finally'))).toBe(true);
    expect(result.text).toBe('end');
  });
});

describe('runAgent with Anthropic Messages', () => {
  it('answers tool_use blocks with one user message of tool_result blocks', async () => {
    const get = { name: 'get_weather', effects: read, execute: (a: { city: string }) => ({ city: a.city, c: 21 }) };
    let second: unknown[] = [];
    const result = await runAgent({
      provider: anthropicAdapter(),
      callModel: ({ turn, messages }) => {
        if (turn === 2) {
          second = [...messages];
          return { role: 'assistant', content: [{ type: 'text', text: 'Warm.' }], stop_reason: 'end_turn' };
        }
        return {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Oslo' } },
          ],
          stop_reason: 'tool_use',
        };
      },
      tools: [get],
    });
    expect(result.text).toBe('Warm.');
    const answer = second[1] as { role: string; content: { type: string; tool_use_id: string; content: string }[] };
    expect(answer.role).toBe('user');
    expect(answer.content.map((b) => b.tool_use_id)).toEqual(['toolu_1', 'toolu_2']);
    expect(answer.content[1]?.content).toContain('Oslo');
  });
});

describe('runAgent traces', () => {
  it('records an RL-style trace whose batches are the model turns', async () => {
    const { createTraceRecorder } = await import('../../src/observe/trace-recorder.js');
    const { analyzeParallelization } = await import('../../src/observe/parallelization.js');
    const { countSequentialRounds } = await import('../../src/observe/sequential-rounds.js');
    const trace = createTraceRecorder();
    const echo = { name: 'echo', effects: read, execute: (a: unknown) => a };
    const script = [
      chatResponse([toolCall('a', 'echo', { n: 1 }), toolCall('b', 'echo', { n: 2 }), toolCall('c', 'echo', { n: 3 })]),
      chatResponse([toolCall('d', 'echo', { n: 4 })]),
      chatResponse(undefined, 'done'),
    ];
    await runAgent({ provider: openAIChatAdapter(), callModel: ({ turn }) => script[turn - 1], tools: [echo], trace });
    const entries = trace.entries();
    expect(entries.filter((e) => e.type === 'assistant_message')).toHaveLength(3);
    expect(analyzeParallelization(entries)).toMatchObject({ num_batches: 2, calls_per_batch: [3, 1], max_parallelism: 3, total_calls: 4 });
    expect(countSequentialRounds(entries)).toBe(2);
  });
});
