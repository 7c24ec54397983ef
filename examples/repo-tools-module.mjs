// `toolgraph run examples/repo-planning.plan.json --tools examples/repo-tools-module.mjs`
// runs the real read-only tools over the current directory.
import { repoTools } from './repo-tools.mjs';

export default await repoTools(process.cwd());
