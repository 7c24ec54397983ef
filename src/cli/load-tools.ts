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
 * it imports something that cannot be found, it throws while loading, or one of its tools is
 * malformed (named by its export key or array index).
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
  const where = key === 'default' ? 'default export' : '`tools` export';
  // Each entry on its own first, so a malformed tool is named by where it is in the module.
  for (const [label, entry, one] of entriesOf(exported)) {
    if (typeof entry !== 'object' || entry === null) {
      throw new ToolgraphError('INVALID_OPTION', `--tools ${file}: ${where} ${label}: expected a tool object, got ${describe(entry)}`);
    }
    prefixed(`--tools ${file}: ${where} ${label}: `, () => toolRegistry(one));
  }
  return prefixed(`--tools ${file}: `, () => toolRegistry(exported as ToolsInput));
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

/**
 * The entries of an exported array, record or map, each with its label (`[2]`, `key "greet"`),
 * its value, and a one-entry input of the same kind for {@link toolRegistry}.
 */
function entriesOf(exported: object): Array<readonly [string, unknown, ToolsInput]> {
  if (exported instanceof Map) {
    return [...(exported as Map<unknown, unknown>)].map(([k, v]) => [`key ${JSON.stringify(String(k))}`, v, new Map([[k, v]]) as ToolsInput] as const);
  }
  if (Array.isArray(exported)) return (exported as unknown[]).map((v, i) => [`[${i}]`, v, [v] as ToolsInput] as const);
  return Object.entries(exported).map(([k, v]) => [`key ${JSON.stringify(k)}`, v, { [k]: v } as ToolsInput] as const);
}

/** Runs `build`; a ToolgraphError it throws is thrown again with `prefix` before its message. */
function prefixed<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!ToolgraphError.isInstance(error)) throw error;
    throw new ToolgraphError(error.code, `${prefix}${error.message}`, { ...(error.details === undefined ? {} : { details: error.details }), cause: error });
  }
}

/** A short rendering of a value that is not a tool object. */
function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
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
