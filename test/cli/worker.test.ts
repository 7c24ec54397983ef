import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/built-cli.js';

describe('toolgraph worker: bad usage is one clear line and exit 2', () => {
  it('asks for --tools and --redis', async () => {
    expect(await runInProcess(['worker', '--redis', 'redis://127.0.0.1:1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^toolgraph worker: missing --tools <module>\n/) });
    expect(await runInProcess(['worker', '--tools', 'test/fixtures/bullmq-tools.mjs'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^toolgraph worker: missing --redis <url>\n/) });
  });

  it('refuses a Redis address that is not a redis:// URL, naming what was given', async () => {
    const out = await runInProcess(['worker', '--tools', 'test/fixtures/bullmq-tools.mjs', '--redis', 'localhost:6379']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/expected --redis to start with redis:\/\/ or rediss:\/\/, got `localhost:6379`/);
  });

  it('refuses a bad number and a tools module that does not exist', async () => {
    expect((await runInProcess(['worker', '--tools', 'test/fixtures/bullmq-tools.mjs', '--redis', 'redis://127.0.0.1:1', '--concurrency', '0'])).stderr).toMatch(/--concurrency to be an integer >= 1, got `0`/);
    const missing = await runInProcess(['worker', '--tools', 'no/such/tools.mjs', '--redis', 'redis://127.0.0.1:1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--tools no\/such\/tools.mjs: no such file/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
