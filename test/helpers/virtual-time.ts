import type { VirtualTimeScheduler } from 'rxjs';

/** Lets pending promise callbacks run. */
export async function microtasks(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

/**
 * Advances a VirtualTimeScheduler one due time at a time (running promise callbacks between
 * steps, so work scheduled by a resolved tool lands at the right virtual time) until
 * `promise` settles. Throws if it does not settle within `maxSteps`.
 */
export async function settle<T>(scheduler: VirtualTimeScheduler, promise: Promise<T>, maxSteps = 10_000): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  const actions = (scheduler as unknown as { actions: { delay: number }[] }).actions;
  for (let i = 0; i < maxSteps && !done; i++) {
    await microtasks();
    if (done) break;
    const next = actions[0];
    if (next === undefined) continue;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  if (!done) throw new Error(`did not settle within ${maxSteps} virtual-time steps`);
  return promise;
}

/**
 * Resolves after `ms` of `scheduler`'s virtual time; rejects with the signal's reason when it
 * aborts first (and then leaves no timer behind).
 */
export function virtualSleep(scheduler: VirtualTimeScheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      sub.unsubscribe();
      reject(signal?.reason);
    };
    const sub = scheduler.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
