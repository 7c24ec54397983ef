/**
 * A small Server-Sent Events decoder: text in (split anywhere), JSON `data:` payloads out.
 * Provider SDKs decode SSE for you; this is for raw HTTP streams, recorded streams and tests.
 */
import { ToolgraphError } from '../errors.js';
import { addSteps } from '../plan/work-steps.js';

/** Options of {@link createSseDecoder}. */
export interface SseDecoderOptions {
  /**
   * Longest event, in characters: every character of its lines counts (field names, comments,
   * ids, line ends), whatever the chunking and whether lines end in CR, LF or CRLF. @default 4194304
   */
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
 * Creates an SSE decoder. Lines end at CR, LF or CRLF (also when a CRLF is split between two
 * chunks). Throws `PARSE_ERROR` for a `data:` payload that is not JSON or an event over the size
 * limit. Work is linear in the text: each character is looked at a bounded number of times.
 *
 * @example
 * const sse = createSseDecoder()
 * for await (const text of response.body.pipeThrough(new TextDecoderStream())) for (const chunk of sse.push(text)) parser.push(chunk)
 */
export function createSseDecoder(options: SseDecoderOptions = {}): SseDecoder {
  const max = options.maxEventChars ?? 4_194_304;
  /** The unfinished line (its characters count toward the event already). */
  let line = '';
  let data: string[] = [];
  /** Characters of the current event so far, line ends included. */
  let size = 0;
  let eventNo = 0;
  /** The last chunk ended with CR: an LF starting the next one ends nothing more. */
  let afterCR = false;
  const over = (): never => {
    throw new ToolgraphError('PARSE_ERROR', `SSE event ${eventNo + 1} is over ${max} characters`, { location: `events[${eventNo}]` });
  };
  const flush = (out: unknown[]): void => {
    size = 0;
    if (data.length === 0) return;
    const payload = data.join('\n');
    data = [];
    eventNo++;
    if (payload.trim() === '[DONE]') return;
    try {
      out.push(JSON.parse(payload));
    } catch (error) {
      throw new ToolgraphError('PARSE_ERROR', `SSE event ${eventNo}: data is not JSON (${(error as Error).message})`, { location: `events[${eventNo - 1}]` });
    }
  };
  const takeLine = (l: string, out: unknown[]): void => {
    if (l === '') flush(out);
    else if (l.startsWith('data:')) data.push(l.slice(l.charCodeAt(5) === 32 ? 6 : 5));
  };
  return {
    push(text) {
      const out: unknown[] = [];
      let from = 0;
      let steps = 0;
      try {
        if (afterCR && text.charCodeAt(0) === 10) {
          // The LF of a CRLF split between chunks: it ends nothing more, but it still counts.
          from = 1;
          size += 1;
          if (size > max) over();
        }
        afterCR = false;
        for (let i = from; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c !== 10 && c !== 13) continue;
          // A line ends here: its characters and the line end count toward the event.
          const piece = text.slice(from, i);
          const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
          size += piece.length + (crlf ? 2 : 1);
          steps += piece.length + 1;
          if (size > max) over();
          takeLine(line + piece, out);
          line = '';
          if (crlf) i++;
          else if (c === 13 && i === text.length - 1) afterCR = true;
          from = i + 1;
        }
        const rest = text.length - from;
        if (rest > 0) {
          steps += rest;
          size += rest;
          if (size > max) over();
          line += text.slice(from);
        }
      } finally {
        addSteps(steps);
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
