/**
 * Seal-Tools explicit-dependency convention: calls `{ "api", "parameters", "responses":
 * ["API_call_0", ...] }` where each call names its output fields with global labels, in the
 * order of the tool's response fields (tool.jsonl); a later parameter exactly equal to
 * `"API_call_k"` takes that field.
 */
import type { ParseOptions, ParsedResponse } from './format-types.js';
import { mapJson } from './map-json.js';
import { ResponseBuilder } from './response-builder.js';
import { own, ownArray } from './stream-items.js';
import { escapeTemplateText, templatePath } from './template-text.js';

/** Response field names by tool, in order (what tool.jsonl's `responses` lists). */
export type SealToolSpecs = ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;

/** Options of {@link parseSealTools}. */
export interface SealToolsOptions extends ParseOptions {
  /**
   * Response field names by tool. Without an entry, a label of a call with one response
   * field takes the whole result; with several, the reference cannot be resolved and the
   * referring call is malformed.
   */
  readonly tools?: SealToolSpecs;
}

const LABEL = /^API_call_(\d{1,9})$/;

/**
 * Builds {@link SealToolSpecs} from tool.jsonl rows (`{ api_name, responses: { field: ... } }`).
 *
 * @example
 * sealToolSpecs(readFileSync('tool.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
 */
export function sealToolSpecs(rows: Iterable<unknown>): Map<string, readonly string[]> {
  const specs = new Map<string, readonly string[]>();
  for (const row of rows) {
    const name = own(row, 'api_name');
    const responses = own(row, 'responses');
    if (typeof name === 'string' && typeof responses === 'object' && responses !== null && !Array.isArray(responses)) {
      specs.set(name, Object.keys(responses));
    }
  }
  return specs;
}

function fieldsOf(specs: SealToolSpecs | undefined, tool: unknown): readonly string[] | undefined {
  if (specs === undefined || typeof tool !== 'string') return undefined;
  if (specs instanceof Map) return specs.get(tool);
  return Object.hasOwn(specs, tool) ? (specs as Record<string, readonly string[]>)[tool] : undefined;
}

/**
 * Reads a Seal-Tools sample (`{ id, query, calling: [...] }`) or a bare array of its calls.
 * Calls get their 1-based position as id (`"1"`, `"2"`, ...).
 *
 * @example
 * parseSealTools({ calling: [
 *   { api: 'getWeather', parameters: { city: 'Paris' }, responses: ['API_call_0', 'API_call_1'] },
 *   { api: 'advise', parameters: { temp: 'API_call_1' }, responses: ['API_call_2'] },
 * ] }, { tools: { getWeather: ['condition', 'temperature'] } }).calls[1]?.args // { temp: '${1.temperature}' }
 */
export function parseSealTools(sample: unknown, options: SealToolsOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('seal-tools', options);
  const calls = Array.isArray(sample) ? sample : ownArray(sample, 'calling');
  const base = Array.isArray(sample) ? '' : 'calling';
  const query = own(sample, 'query');
  if (typeof query === 'string') builder.addText(query);
  /** label → [call position (1-based), field index, field count]. */
  const labels = new Map<string, { position: number; field: number; tool: unknown; count: number }>();
  calls.forEach((call, i) => {
    const responses = ownArray(call, 'responses');
    responses.forEach((label, k) => {
      if (typeof label === 'string' && LABEL.test(label) && !labels.has(label)) labels.set(label, { position: i + 1, field: k, tool: own(call, 'api'), count: responses.length });
    });
  });
  calls.forEach((call, i) => {
    builder.add({
      tool: own(call, 'api'),
      args: { kind: 'value', value: own(call, 'parameters') },
      location: `${base}[${i}]`,
      argsKey: 'parameters',
      convert: (args) => {
        let problem: string | undefined;
        const converted = mapJson(args, {
          string: (s) => {
            const target = LABEL.test(s) ? labels.get(s) : undefined;
            if (target === undefined) return escapeTemplateText(s);
            const id = builder.ids.order[target.position - 1] ?? String(target.position);
            const fields = fieldsOf(options.tools, target.tool);
            if (fields !== undefined && target.field < fields.length) return `\${${id}${templatePath([fields[target.field] as string])}}`;
            if (fields === undefined && target.count === 1) return `\${${id}}`;
            problem ??= `${s} names output field ${target.field + 1} of call ${target.position} (${String(target.tool)}), but ${fields === undefined ? 'no field names are known for that tool: pass its spec from tool.jsonl in options.tools' : `the tool has only ${fields.length} response fields`}`;
            return s;
          },
        }) as Record<string, unknown>;
        return problem === undefined ? { args: converted } : { problem };
      },
    });
  });
  return builder.result();
}
