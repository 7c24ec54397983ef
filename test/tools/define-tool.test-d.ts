/** Type tests: checked by `npm run typecheck` (tsc), which fails on a wrong inference. */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod3';
import * as v from 'valibot';
import { defineTool } from '../../src/tools/define-tool.js';

defineTool({
  name: 'zod4',
  input: z.object({ query: z.string(), limit: z.number().optional() }),
  execute: (args) => {
    expectTypeOf(args).toEqualTypeOf<{ query: string; limit?: number | undefined }>();
    return args.query;
  },
});

defineTool({
  name: 'zod3',
  input: z3.object({ path: z3.string() }),
  output: z3.number(),
  execute: (args) => {
    expectTypeOf(args).toEqualTypeOf<{ path: string }>();
    return args.path.length;
  },
});

defineTool({
  name: 'valibot',
  input: v.object({ id: v.number(), tags: v.array(v.string()) }),
  execute: (args) => {
    expectTypeOf(args).toEqualTypeOf<{ id: number; tags: string[] }>();
    return args.id;
  },
});

defineTool({
  name: 'json',
  inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
  execute: (args) => {
    expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
    return null;
  },
});

// A result that does not match the output schema's type is a type error.
defineTool({
  name: 'bad_output',
  input: z.object({ a: z.string() }),
  output: z.number(),
  // @ts-expect-error a string is not the number the output schema says
  execute: (args) => args.a,
});
