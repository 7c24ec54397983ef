/**
 * The public entry points: `execute()` streams a run's events as an Observable; `run()`
 * resolves to every call's outcome and the run's metrics.
 */
import { Observable } from 'rxjs';
import type { Call, Plan } from '../plan/schema.js';
import type { RunEvent } from './events.js';
import type { ExecuteOptions, RunOptions } from './execute-options.js';
import type { RunResult } from './run-result.js';
import { RunEngine } from './run-engine.js';

/**
 * What `execute()` and `run()` take: a whole plan, or calls as they stream in (from a model
 * response being parsed). A streamed item may also be a call the format layer could not parse,
 * `{ id, tool?, error: { code, message } }`, which ends `failed` so the model is told.
 */
export type PlanSource = Plan | readonly Call[] | readonly unknown[] | AsyncIterable<unknown> | Observable<unknown> | unknown;

/**
 * Runs a plan and streams its events. Subscribing starts the run; unsubscribing cancels it
 * (running calls' signals abort, no tool starts after, no timer is left behind).
 *
 * @example
 * execute(plan, { tools }).subscribe((event) => {
 *   if (event.type === 'call_succeeded') console.log(event.callId, event.durationMs)
 * })
 */
export function execute(plan: PlanSource, options: ExecuteOptions): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    const engine = new RunEngine(options, {
      // A consumer may unsubscribe while the engine is still inside `begin` (synchronous tools),
      // before the teardown below is even registered: stop right there too.
      emit: (event) => {
        subscriber.next(event);
        if (subscriber.closed) engine.dispose();
      },
      done: () => subscriber.complete(),
      fail: (error) => subscriber.error(error),
    });
    engine.begin(plan);
    return () => engine.dispose();
  });
}

/**
 * Runs a plan to the end.
 *
 * @example
 * const result = await run({ calls: [
 *   { id: 'search', tool: 'search_docs', args: { query: 'rate limits' } },
 *   { id: 'read', tool: 'read_file', args: { path: '${search.hits[0].path}' } },
 * ] }, { tools: [searchDocs, readFile] })
 * result.calls.read.status  // 'succeeded'
 * result.metrics.makespanOverCriticalPath
 */
export function run(plan: PlanSource, options: RunOptions): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const onEvent = options.onEvent;
    let listenerFailed = false;
    const engine: RunEngine = new RunEngine(options, {
      // A listener that throws rejects the run with its error and cancels what is left (it is
      // not told of the cancellations): the engine never sees the throw, so nothing hangs.
      emit:
        onEvent === undefined
          ? undefined
          : (event) => {
              if (listenerFailed) return;
              try {
                onEvent(event);
              } catch (error) {
                listenerFailed = true;
                reject(error);
                engine.dispose();
              }
            },
      done: () => resolve(engine.result()),
      fail: reject,
    });
    engine.begin(plan);
  });
}
