import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';

const run = promisify(execFile);

/** The environment without API keys: the examples replay their scripted responses. */
function offline(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENAI_API_KEY'];
  delete env['ANTHROPIC_API_KEY'];
  return env;
}

describe('examples/protocol (scripted responses, no API key)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);

  for (const provider of ['openai', 'anthropic']) {
    it(`${provider}.mjs: both calls of one response run, the conversion gets the number through \${1.temperature_c}`, async () => {
      const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'examples', 'protocol', `${provider}.mjs`)], { cwd: ROOT, env: offline() });
      expect(stderr).toBe('');
      expect(stdout).toContain('model: scripted responses');
      expect(stdout).toContain('turn 1: 2 calls in 2 rounds');
      expect(stdout).toContain('ran convert_temperature({"celsius":21})');
      expect(stdout).toContain('turn 1: convert_temperature succeeded -> {"fahrenheit":70}');
      expect(stdout).toContain('answer: It is sunny in Paris: 21 °C, which is 70 °F.');
    }, 60_000);
  }
});
