/**
 * A journal in Redis, for coordinators that may die and be resumed on another machine: one key
 * per call (`<prefix>:<idempotency key>`) holding its record as JSON, with an expiry.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { CallStart, Journal, JournalRecord, RecordedOutcome } from '../journal/journal-types.js';

/** Options of {@link redisJournal}. */
export interface RedisJournalOptions {
  /** An ioredis client to use (not closed by `close`), or options to make one. */
  readonly connection: Redis | RedisOptions;
  /** Key prefix. @default 'toolgraph:journal' */
  readonly prefix?: string;
  /** Seconds a record is kept. @default 604800 (7 days) */
  readonly ttlSeconds?: number;
}

/** A {@link Journal} in Redis, with `close()` for the connection it made. */
export interface RedisJournal extends Journal {
  /** Closes the connection it made (a client given to it stays open). */
  close(): Promise<void>;
}

/**
 * Keeps each record with one SET (a start never overwrites a recorded success: a Lua check).
 * Every write is acknowledged by Redis before its promise resolves; how durable that is depends
 * on the server's persistence (`appendonly yes` with `appendfsync everysec` or `always`).
 *
 * @example
 * const journal = redisJournal({ connection: { host: '127.0.0.1', port: 6379 } })
 * await run(plan, { tools, runId: 'job-42', journal })
 */
export function redisJournal(options: RedisJournalOptions): RedisJournal {
  const owned = !(options.connection instanceof Redis);
  const client = options.connection instanceof Redis ? options.connection : new Redis(options.connection);
  const prefix = options.prefix ?? 'toolgraph:journal';
  const ttl = options.ttlSeconds ?? 604_800;
  const keyOf = (key: string): string => `${prefix}:${key}`;
  const startScript = `local v = redis.call('GET', KEYS[1])
if v and string.find(v, '"status":"succeeded"', 1, true) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;
  return {
    async lookup(key: string): Promise<JournalRecord | undefined> {
      const text = await client.get(keyOf(key));
      if (text === null) return undefined;
      const parsed = JSON.parse(text) as JournalRecord;
      return parsed;
    },
    async started(key: string, info: CallStart): Promise<void> {
      await client.eval(startScript, 1, keyOf(key), JSON.stringify({ state: 'started', start: info }), String(ttl));
    },
    async finished(key: string, outcome: RecordedOutcome): Promise<void> {
      await client.set(keyOf(key), JSON.stringify({ state: 'finished', outcome }), 'EX', ttl);
    },
    async close() {
      if (owned) await client.quit();
    },
  };
}
