// The write-heavy example's tools as a module for the CLI (a fresh in-memory workspace):
//   npx toolgraph run examples/write-heavy/plan.json --tools examples/write-heavy/tools-module.mjs
//   npx toolgraph graph examples/write-heavy/plan.json --tools examples/write-heavy/tools-module.mjs
// On a terminal the delete asks before it runs; elsewhere it is refused unless you pass --yes.
import { createWorkspace } from './tools.mjs';

export default createWorkspace().tools;
