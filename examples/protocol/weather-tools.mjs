// The tools of the protocol examples: a weather lookup and a unit conversion. The model is
// expected to call both in ONE response, the conversion taking the temperature from the
// lookup through a placeholder ("${1.temperature_c}").
import { z } from 'zod';
import { defineTool } from '../../dist/index.js';

const CITIES = { Paris: { temperature_c: 21, conditions: 'sunny' }, Oslo: { temperature_c: 4, conditions: 'rain' } };

/** Builds the two tools; `seen` receives the arguments each call got (for the printout and the tests). */
export function weatherTools(seen = []) {
  return [
    defineTool({
      name: 'get_weather',
      description: 'Current weather of a city.',
      input: z.object({ city: z.string().describe('City name, e.g. Paris') }),
      output: z.object({ city: z.string(), temperature_c: z.number(), conditions: z.string() }),
      effects: { readOnly: true, idempotent: true },
      execute: ({ city }) => {
        seen.push({ tool: 'get_weather', args: { city } });
        const known = CITIES[city] ?? { temperature_c: 15, conditions: 'cloudy' };
        return { city, ...known };
      },
    }),
    defineTool({
      name: 'convert_temperature',
      description: 'Converts degrees Celsius to Fahrenheit.',
      input: z.object({ celsius: z.number() }),
      output: z.object({ fahrenheit: z.number() }),
      effects: { readOnly: true, idempotent: true },
      execute: ({ celsius }) => {
        seen.push({ tool: 'convert_temperature', args: { celsius } });
        return { fahrenheit: Math.round((celsius * 9) / 5 + 32) };
      },
    }),
  ];
}

/** Prints each turn's calls with the arguments they ran with, and the answer. */
export function printRun(result, seen, source) {
  console.log(`model: ${source}`);
  for (const turn of result.turns) {
    for (const o of turn.outcomes) console.log(`turn ${turn.turn}: ${o.tool} ${o.status}${o.status === 'succeeded' ? ` -> ${JSON.stringify(o.result)}` : ` (${o.error?.code})`}`);
    if (turn.metrics !== undefined) console.log(`turn ${turn.turn}: ${turn.metrics.calls} calls in ${turn.metrics.rounds} rounds`);
  }
  for (const s of seen) console.log(`ran ${s.tool}(${JSON.stringify(s.args)})`);
  console.log(`answer: ${result.text ?? '(none)'}`);
}
