/**
 * Loads the tools of `toolgraph run --tools <module>`: an ES module whose default export (or
 * `tools` export) is an array of tools or a record from name to tool.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ToolgraphError } from '../errors.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';

/**
 * Imports a tools module and returns its registry. Every problem is an `INVALID_OPTION` whose
 * one-line message starts with `--tools <file>:` and says what is wrong: the file is missing,
 * it imports something that cannot be found, or it throws while loading.
 *
 * @example
 * const tools = await loadTools('examples/simulated-tools.mjs', process.cwd())
 */
export async function loadTools(file: string, cwd: string): Promise<ReadonlyMap<string, Tool>> {
  const path = resolve(cwd, file);
  const problem = await fileProblem(path);
  if (problem !== undefined) throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: ${problem}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: ${loadFailure(error, path, cwd)}`, { cause: error });
  }
  const key = mod['default'] !== undefined && mod['default'] !== null ? 'default' : 'tools';
  const exported = mod[key];
  if (typeof exported !== 'object' || exported === null) {
    throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: expected a default export (or \`tools\` export) that is an array of tools or a record from name to tool`);
  }
  return toolRegistry(exported as ToolsInput);
}

/** Why the tools file cannot be imported at all (missing, a directory), or undefined. */
async function fileProblem(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'is a directory, expected an ES module file' : undefined;
  } catch (error) {
    // Other failures (permissions, ...) are left for the import to report.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : undefined;
  }
}

/** The first line of an error's message, with its class name unless it is a plain Error. */
function firstLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0] as string;
  const line = error.message.split('\n')[0] as string;
  if (line === '') return error.name;
  return error.name === 'Error' ? line : `${error.name}: ${line}`;
}

/** A file path from a path or a file: URL in an error message. */
function toPath(text: string): string {
  return text.startsWith('file:') ? fileURLToPath(text) : text;
}

/**
 * Why importing the tools module failed, in one line. Node raises ERR_MODULE_NOT_FOUND both
 * for a missing file and for a missing import inside it; its message names the missing
 * specifier and the importing file, which tells the two apart.
 */
function loadFailure(error: unknown, path: string, cwd: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND') return `cannot load: ${firstLine(error)}`;
  const message = ((error as Error).message ?? '').split('\n')[0] as string;
  const found = /^Cannot find (module|package) '(.+?)' imported from (.+?)\s*$/.exec(message);
  if (found === null) return `cannot load: a module it imports cannot be found (${message})`;
  const [, kind, missing, from] = found as unknown as [string, string, string, string];
  const importer = toPath(from);
  const target = kind === 'module' ? toPath(missing) : missing;
  if (kind === 'module' && isAbsolute(target) && resolve(target) === path) return 'no such file';
  // A missing file is reported by its absolute path; show it as the importer would write it.
  let specifier = target;
  if (kind === 'module' && isAbsolute(target)) {
    const rel = relative(dirname(importer), target);
    specifier = rel.startsWith('..') || isAbsolute(rel) ? rel : `./${rel}`;
  }
  const who = resolve(importer) === path ? 'it' : relative(cwd, importer) || importer;
  return `cannot load: ${who} imports ${JSON.stringify(specifier)}, which cannot be found`;
}
