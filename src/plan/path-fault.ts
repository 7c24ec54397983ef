/**
 * Why a path could not be evaluated over a result, as opposed to selecting nothing: the work
 * was over its limits, or reading the result threw (a getter, a Proxy trap) or found a cycle.
 */

/** The codes of a {@link PathFault}. */
export type PathFaultCode = 'PATH_TOO_COSTLY' | 'UNREADABLE_RESULT';

/** A path evaluation that stopped with a problem (returned, never thrown to callers). */
export class PathFault {
  constructor(
    /** `PATH_TOO_COSTLY` (over `maxSteps` / `maxMatches`) or `UNREADABLE_RESULT`. */
    readonly code: PathFaultCode,
    /** What happened, for messages. */
    readonly message: string,
  ) {}
}

/** The message of something thrown, read without letting a hostile value throw again. */
export function thrownText(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message = error.message;
      return typeof message === 'string' ? message.slice(0, 200) : 'an error';
    }
    if (typeof error === 'string') return error.slice(0, 200);
    return typeof error;
  } catch {
    return 'an error whose message cannot be read';
  }
}

/** Turns a value read from a result that threw into a fault. */
export function readFault(error: unknown): PathFault {
  if (error instanceof PathFault) return error;
  if (error instanceof RangeError) return new PathFault('UNREADABLE_RESULT', 'the result is too deep or too large to read');
  return new PathFault('UNREADABLE_RESULT', `reading the result threw: ${thrownText(error)}`);
}
