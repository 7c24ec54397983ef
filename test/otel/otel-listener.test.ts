import { SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { otelListener } from '../../src/otel/index.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { VirtualClock, timedTool } from '../schedule/harness.js';

function setup(): { exporter: InMemorySpanExporter; provider: BasicTracerProvider } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

const ms = (t: HrTime): number => t[0] * 1000 + t[1] / 1e6;
const WALL = 1_700_000_000_000;

function byName(spans: readonly ReadableSpan[], callId: string): ReadableSpan {
  const span = spans.find((s) => s.attributes['gen_ai.tool.call.id'] === callId);
  if (span === undefined) throw new Error(`no span for ${callId}`);
  return span;
}

describe('otelListener', () => {
  it('emits a run span and one execute_tool span per call with GenAI attributes, times, links to inputs and errors', async () => {
    const { exporter, provider } = setup();
    const clock = new VirtualClock();
    const search = timedTool(clock, 'search', 10, () => ({ hits: 2 }));
    const broken = defineTool({ name: 'broken', effects: { readOnly: true, idempotent: true }, retry: { maxAttempts: 2, initialMs: 5, jitter: 0 }, execute: async () => { await clock.sleep(3); throw new Error('down'); } });
    const listener = otelListener({ tracer: provider.getTracer('test'), now: () => WALL + clock.now });
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'search', args: { q: 'x' } },
          { id: 'b', tool: 'search', args: { n: '${a.hits}' } },
          { id: 'c', tool: 'broken', args: {} },
          { id: 'd', tool: 'search', args: { from: '${c}' } },
        ],
      },
      { tools: [search, broken], scheduler: clock.scheduler, onEvent: listener },
    );
    await clock.run();
    await done;
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(5);
    const root = spans.find((s) => s.name === 'toolgraph.run');
    expect(root?.attributes['toolgraph.calls']).toBe(4);
    expect(root?.status.code).toBe(SpanStatusCode.ERROR);
    const a = byName(spans, 'a');
    const b = byName(spans, 'b');
    expect(a.name).toBe('execute_tool search');
    expect(a.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': 'a' });
    expect(a.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(a.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(ms(a.startTime) - WALL).toBe(0);
    expect(ms(a.endTime) - WALL).toBe(10);
    expect(ms(b.startTime) - WALL).toBe(10);
    // The DAG: b links to a.
    expect(b.links.map((l) => l.context.spanId)).toEqual([a.spanContext().spanId]);
    expect(a.links).toEqual([]);
    // A failure: status, error.type, and its retry as a span event.
    const c = byName(spans, 'c');
    expect(c.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('down') });
    expect(c.attributes['error.type']).toBe('TOOL_ERROR');
    expect(c.events.map((e) => e.name)).toEqual(['toolgraph.retry', 'toolgraph.attempt']);
    // A call skipped behind it gets a span too, with its own error.type.
    const d = byName(spans, 'd');
    expect(d.attributes['error.type']).toBe('SKIPPED');
    expect(d.attributes['toolgraph.call.skipped_because']).toBe('c');
  });

  it('records arguments and results only when asked, and waits and hedges as span events', async () => {
    const { exporter, provider } = setup();
    const clock = new VirtualClock();
    let copies = 0;
    const slow = defineTool({
      name: 'slow',
      effects: { readOnly: true, idempotent: true },
      hedge: { afterMs: 5, maxExtra: 1 },
      concurrency: 1,
      execute: async (_args, ctx) => {
        await clock.sleep(copies++ === 0 ? 100 : 10, ctx.signal);
        return 'ok';
      },
    });
    const listener = otelListener({ tracer: provider.getTracer('test'), includeContent: true, now: () => WALL + clock.now });
    const done = run({ calls: [{ id: 'h', tool: 'slow', args: { q: 1 } }, { id: 'w', tool: 'slow', args: { q: 2 } }] }, { tools: [slow], scheduler: clock.scheduler, onEvent: listener });
    await clock.run();
    const result = await done;
    expect(result.metrics.hedges).toBeGreaterThanOrEqual(1);
    const spans = exporter.getFinishedSpans();
    const h = byName(spans, 'h');
    expect(h.attributes['gen_ai.tool.call.arguments']).toBe('{"q":1}');
    expect(h.attributes['gen_ai.tool.call.result']).toBe('"ok"');
    expect(h.events.map((e) => e.name)).toContain('toolgraph.hedge');
    const w = byName(spans, 'w');
    expect(w.events.find((e) => e.name === 'toolgraph.waiting')?.attributes).toMatchObject({ 'toolgraph.wait.reason': 'cap', 'toolgraph.wait.scope': 'tool', 'toolgraph.wait.limit': 1 });
    expect(w.attributes['toolgraph.call.waited_ms']).toBeGreaterThan(0);
  });

  it('end() closes the spans of a run that never finished', () => {
    const { exporter, provider } = setup();
    const listener = otelListener({ tracer: provider.getTracer('test') });
    listener({ type: 'run_started', runId: 'r', t: 0, calls: 1 });
    listener({ type: 'call_started', runId: 'r', t: 1, callId: 'x', tool: 't', attempt: 1, args: {} });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    listener.end();
    expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['execute_tool t', 'toolgraph.run']);
  });
});
