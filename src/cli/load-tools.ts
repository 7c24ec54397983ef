/**
 * Loads the tools of `toolgraph run --tools <module>`: an ES module whose default export (or
 * `tools` export) is an array of tools or a record from name to tool.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ToolgraphError } from '../errors.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';

/**
 * Imports a tools module and returns its registry.
 *
 * @example
 * const tools = await loadTools('examples/simulated-tools.mjs', process.cwd())
 */
export async function loadTools(file: string, cwd: string): Promise<ReadonlyMap<string, Tool>> {
  const url = pathToFileURL(resolve(cwd, file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ERR_MODULE_NOT_FOUND' ? 'module not found' : (error as Error).message;
    throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: cannot load: ${why}`);
  }
  const exported = mod['default'] ?? mod['tools'];
  if (typeof exported !== 'object' || exported === null) {
    throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: expected a default export (or \`tools\` export) that is an array of tools or a record from name to tool`);
  }
  return toolRegistry(exported as ToolsInput);
}
