// Writes schemas/*.schema.json from the zod schemas (run by `npm run schemas`, which builds first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateSchemas } from '../dist/plan/json-schemas.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const { file, text } of generateSchemas()) {
  writeFileSync(new URL(file, dir), text);
  console.log(`wrote schemas/${file}`);
}
