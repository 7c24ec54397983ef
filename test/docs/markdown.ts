/** Reads the fenced code blocks of the README and docs/*.md, for the documentation tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/built-cli.js';

/** One fenced block: its file, the line its code starts on, language, the rest of the info string, and code. */
export interface CodeBlock {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly info: string;
  readonly code: string;
}

/** The documentation files: README.md and every docs/*.md, relative to the repository root. */
export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** Every fenced block of a markdown file (``` fences, not nested). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] as string).startsWith('```')) end++;
    blocks.push({ file, line: start + 1, lang: open[1] ?? '', info: open[2] ?? '', code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}
