/**
 * Gemini: `candidates[0].content.parts[].functionCall` (`name`, `args`, optional `id`); a
 * streamed response is a sequence of GenerateContentResponse chunks whose function calls
 * arrive whole; results back as `functionResponse` parts.
 */
import type { CallOutcome, FormatItem, ParseOptions, ParsedResponse, RenderOptions, StreamParser } from './format-types.js';
import { outcomeText, resultText } from './render-outcome.js';
import { ResponseBuilder, positiveOption } from './response-builder.js';
import { DEFAULT_MAX_RESULT_CHARS } from './render-outcome.js';
import { own, ownArray } from './stream-items.js';
import { addSteps } from '../plan/work-steps.js';

function readChunk(builder: ResponseBuilder, response: unknown, base: string): FormatItem[] {
  const out: FormatItem[] = [];
  const candidates = ownArray(response, 'candidates');
  const candidate = candidates.length > 0 ? candidates[0] : response;
  const content = own(candidate, 'content');
  const prefix = candidates.length > 0 ? `${base}candidates[0].content` : `${base}content`;
  builder.setStopReason(own(candidate, 'finishReason'));
  const parts = ownArray(content, 'parts');
  addSteps(1 + parts.length);
  parts.forEach((part, i) => {
    const text = own(part, 'text');
    if (typeof text === 'string' && own(part, 'thought') !== true) builder.addText(text);
    const call = own(part, 'functionCall');
    if (call !== undefined) {
      out.push(builder.add({ providerId: own(call, 'id'), tool: own(call, 'name'), args: { kind: 'value', value: own(call, 'args') }, location: `${prefix}.parts[${i}].functionCall`, argsKey: 'args' }));
    }
  });
  return out;
}

/**
 * Reads a whole GenerateContentResponse. Calls without an `id` get their 1-based position
 * (`"1"`, `"2"`, ...) as toolgraph id, so `${1}` references work either way.
 *
 * @example
 * const parsed = parseGemini(await ai.models.generateContent({ ... }))
 * parsed.calls // [{ id: '1', tool: 'get_weather', args: { city: 'Paris' } }]
 */
export function parseGemini(response: unknown, options: ParseOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('gemini', options);
  readChunk(builder, response, '');
  return builder.result();
}

/**
 * A streamed Gemini parser: each chunk's `functionCall` parts are complete as they arrive.
 *
 * @example
 * const parser = createGeminiStreamParser()
 * for await (const chunk of await ai.models.generateContentStream({ ... })) for (const c of parser.push(chunk)) dispatch(c)
 */
export function createGeminiStreamParser(options: ParseOptions = {}): StreamParser<unknown> {
  const builder = new ResponseBuilder('gemini', options);
  let chunkNo = 0;
  return {
    ids: builder.ids,
    push(chunk) {
      const out = readChunk(builder, chunk, `chunks[${chunkNo}].`);
      chunkNo++;
      return out;
    },
    end: () => [],
    result: () => builder.result(),
  };
}

/** One `functionResponse` part. */
export interface GeminiFunctionResponsePart {
  /** The response to one function call. */
  readonly functionResponse: {
    /** The function's name. */
    readonly name: string;
    /** The call's id, when the model gave one. */
    readonly id?: string;
    /** `{ result }` on success (`result` as JSON when small enough, else text), `{ error }` otherwise. */
    readonly response: Readonly<Record<string, unknown>>;
  };
}

/** The content that answers a turn's function calls. */
export interface GeminiFunctionResponseContent {
  /** `user` (Gemini API) or `function` (older Vertex AI samples). */
  readonly role: 'user' | 'function';
  /** One part per call, in the calls' order. */
  readonly parts: GeminiFunctionResponsePart[];
}

/** Options of {@link renderGeminiResults}. */
export interface GeminiRenderOptions extends RenderOptions {
  /** The role of the content. @default 'user' */
  readonly role?: 'user' | 'function';
}

/**
 * Renders outcomes as one content of `functionResponse` parts. Generated ids are not sent.
 *
 * @example
 * renderGeminiResults([{ id: '1', idGenerated: true, tool: 'get_weather', status: 'succeeded', result: { temp: 18 } }])
 * // { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: { temp: 18 } } } }] }
 */
export function renderGeminiResults(outcomes: readonly CallOutcome[], options: GeminiRenderOptions = {}): GeminiFunctionResponseContent {
  const max = positiveOption('maxResultChars', options.maxResultChars, DEFAULT_MAX_RESULT_CHARS);
  return {
    role: options.role ?? 'user',
    parts: outcomes.map((o) => {
      const { text, isError } = outcomeText(o, options);
      let response: Record<string, unknown>;
      if (o.status === 'succeeded') {
        const asJson = typeof o.result !== 'string' && o.result !== undefined && resultText(o.result).length <= max;
        response = { result: asJson ? o.result : text };
      } else {
        response = isError ? { error: text } : { status: text };
      }
      return { functionResponse: { name: o.tool, ...(o.idGenerated === true ? {} : { id: o.id }), response } };
    }),
  };
}
