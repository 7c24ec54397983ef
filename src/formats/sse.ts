/**
 * A small Server-Sent Events decoder: text in (split anywhere), JSON `data:` payloads out.
 * Provider SDKs decode SSE for you; this is for raw HTTP streams, recorded streams and tests.
 */
import { ToolgraphError } from '../errors.js';

/** Options of {@link createSseDecoder}. */
export interface SseDecoderOptions {
  /** Longest event (its data lines together), in characters. @default 4194304 */
  readonly maxEventChars?: number;
}

/** An incremental SSE decoder. */
export interface SseDecoder {
  /** Reads text; returns the JSON payloads of the events it completed (`[DONE]` is skipped). */
  push(text: string): unknown[];
  /** Ends the stream; returns the last event if it was not terminated by a blank line. */
  end(): unknown[];
}

/**
 * Creates an SSE decoder. Throws `PARSE_ERROR` for a `data:` payload that is not JSON or an
 * event over the size limit.
 *
 * @example
 * const sse = createSseDecoder()
 * for await (const text of response.body.pipeThrough(new TextDecoderStream())) for (const chunk of sse.push(text)) parser.push(chunk)
 */
export function createSseDecoder(options: SseDecoderOptions = {}): SseDecoder {
  const max = options.maxEventChars ?? 4_194_304;
  let line = '';
  let data: string[] = [];
  let size = 0;
  let eventNo = 0;
  const flush = (out: unknown[]): void => {
    if (data.length === 0) return;
    const payload = data.join('\n');
    data = [];
    size = 0;
    eventNo++;
    if (payload.trim() === '[DONE]') return;
    try {
      out.push(JSON.parse(payload));
    } catch (error) {
      throw new ToolgraphError('PARSE_ERROR', `SSE event ${eventNo}: data is not JSON (${(error as Error).message})`, { location: `events[${eventNo - 1}]` });
    }
  };
  const takeLine = (text: string, out: unknown[]): void => {
    const l = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (l === '') flush(out);
    else if (l.startsWith('data:')) {
      const value = l.slice(l[5] === ' ' ? 6 : 5);
      size += value.length;
      if (size > max) throw new ToolgraphError('PARSE_ERROR', `SSE event ${eventNo + 1} is over ${max} characters`);
      data.push(value);
    }
  };
  return {
    push(text) {
      const out: unknown[] = [];
      let from = 0;
      for (;;) {
        const nl = text.indexOf('\n', from);
        if (nl === -1) {
          line += text.slice(from);
          if (line.length > max + 16) throw new ToolgraphError('PARSE_ERROR', `SSE line over ${max} characters`);
          break;
        }
        takeLine(line + text.slice(from, nl), out);
        line = '';
        from = nl + 1;
      }
      return out;
    },
    end() {
      const out: unknown[] = [];
      if (line !== '') takeLine(line, out);
      line = '';
      flush(out);
      return out;
    },
  };
}
