import { describe, expect, it } from 'vitest';
import { openAIChatAdapter } from '../../src/agent/openai-chat-adapter.js';
import { ResultMemory } from '../../src/agent/recall.js';
import { runAgent, type AgentEvent, type ModelRequest } from '../../src/agent/run-agent.js';

const read = { readOnly: true, idempotent: true } as const;

function toolCall(id: string, name: string, args: unknown) {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(args) } };
}

function chatResponse(toolCalls: unknown[] | undefined, content: string | null = null) {
  return { choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }] };
}

function agentTools(seen: unknown[]) {
  return [
    { name: 'list', effects: read, execute: (a: { n: number }) => ({ items: Array.from({ length: a.n }, (_, i) => ({ id: `item-${i}` })) }) },
    { name: 'open', effects: read, execute: (a: { item: unknown }) => { seen.push(a.item); return 'opened'; } },
  ];
}

function toolMessages(request: ModelRequest | undefined): { tool_call_id?: string; content?: string }[] {
  return (request?.messages as { role: string; tool_call_id?: string; content?: string }[]).filter((m) => m.role === 'tool');
}

describe('runAgent across turns', () => {
  it('a later turn references an earlier turn\'s call by its provider id and gets the value itself', async () => {
    const seen: unknown[] = [];
    const requests: ModelRequest[] = [];
    const events: AgentEvent[] = [];
    const script = [
      chatResponse([toolCall('call_abc', 'list', { n: 3 })]),
      chatResponse([toolCall('call_def', 'open', { item: '${call_abc.items[1]}' }), toolCall('call_ghi', 'open', { item: '${call_abc.items[2].id}' })]),
      chatResponse(undefined, 'done'),
    ];
    const result = await runAgent({
      provider: openAIChatAdapter(),
      callModel: (request) => {
        requests.push(request);
        return script[request.turn - 1];
      },
      tools: agentTools(seen),
      onEvent: (e) => events.push(e),
    });
    expect(result.text).toBe('done');
    expect(seen).toEqual([{ id: 'item-1' }, 'item-2']);
    // Only the model's own calls go back to it, and only they are reported.
    expect(toolMessages(requests[2]).map((m) => m.tool_call_id)).toEqual(['call_abc', 'call_def', 'call_ghi']);
    const started = events.flatMap((e) => (e.kind === 'run' && e.event.type === 'call_started' ? [e.event.callId] : []));
    expect(started).toEqual(['call_abc', 'call_def', 'call_ghi']);
  });

  it('an id that was never kept gets the usual UNKNOWN_REF text; keepResults bounds what is kept', async () => {
    const seen: unknown[] = [];
    const requests: ModelRequest[] = [];
    const script = [
      chatResponse([toolCall('call_1', 'list', { n: 1 }), toolCall('call_2', 'list', { n: 2 })]),
      chatResponse([toolCall('call_3', 'open', { item: '${call_1.items[0]}' }), toolCall('call_4', 'open', { item: '${call_2.items[1]}' }), toolCall('call_5', 'open', { item: '${call_zzz}' })]),
      chatResponse(undefined, 'done'),
    ];
    await runAgent({
      provider: openAIChatAdapter(),
      callModel: (request) => {
        requests.push(request);
        return script[request.turn - 1];
      },
      tools: agentTools(seen),
      keepResults: 1,
    });
    expect(seen).toEqual([{ id: 'item-1' }]);
    const third = toolMessages(requests[2]);
    expect(third.find((m) => m.tool_call_id === 'call_3')?.content).toMatch(/^Error \(UNKNOWN_REF\): .*call_1.*Check the reference, or call it again with the value written out\.$/);
    expect(third.find((m) => m.tool_call_id === 'call_5')?.content).toMatch(/^Error \(UNKNOWN_REF\)/);
  });

  it('keepResults: 0 keeps nothing, and a bad value is refused', async () => {
    const seen: unknown[] = [];
    const requests: ModelRequest[] = [];
    const script = [chatResponse([toolCall('call_1', 'list', { n: 1 })]), chatResponse([toolCall('call_2', 'open', { item: '${call_1.items[0]}' })]), chatResponse(undefined, 'x')];
    await runAgent({ provider: openAIChatAdapter(), callModel: (r) => (requests.push(r), script[r.turn - 1]), tools: agentTools(seen), keepResults: 0 });
    expect(seen).toEqual([]);
    await expect(runAgent({ provider: openAIChatAdapter(), callModel: () => chatResponse(undefined, 'x'), tools: [], keepResults: -1 })).rejects.toThrow(/keepResults/);
  });

  it('the memory drops the oldest result first', () => {
    const memory = new ResultMemory(2);
    memory.remember('a', 1);
    memory.remember('b', 2);
    memory.remember('a', 3);
    memory.remember('c', 4);
    expect([memory.has('a'), memory.has('b'), memory.has('c'), memory.get('a')]).toEqual([true, false, true, 3]);
  });
});
