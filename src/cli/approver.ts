/**
 * Approvals for `toolgraph run`: a person at the terminal answers for each call the policy
 * selects, one question at a time; with nobody to ask, those calls are refused.
 */
import { createInterface, type Interface } from 'node:readline';
import type { ApprovalDecision, ApprovalRequest } from '../schedule/policies/approval.js';
import { boundedJson, jsonString } from '../plan/bounded-json.js';
import { printable } from './printable.js';

/**
 * Longest argument name or value shown whole in a question, in characters of JSON; a longer
 * one shows its start and its end with its length between. @default 160
 */
export const MAX_SHOWN_VALUE = 160;

/** What a question needs: where answers come from and where questions go. */
export interface TerminalApproverOptions {
  /** The terminal's input (one answer per line). */
  readonly input: NodeJS.ReadableStream;
  /** Where questions are written (the terminal). */
  readonly output: NodeJS.WritableStream;
  /** Called before a question is written (for example to stop redrawing progress). */
  readonly beforeAsk?: () => void;
  /** Called after the answer. */
  readonly afterAsk?: () => void;
  /** Tools that declare no effects: a question about one says why it counts as destructive. */
  readonly undeclared?: ReadonlySet<string>;
}

/**
 * Why a call of `tool` asks before it runs, in one sentence: a tool that declares no effects
 * counts as destructive (as in MCP), which is easy to miss.
 *
 * @example
 * whyAsk('fetch_url', new Set(['fetch_url']))
 * // '`fetch_url` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads'
 */
export function whyAsk(tool: string, undeclared: ReadonlySet<string> | undefined): string {
  const name = printable(tool);
  return undeclared?.has(tool) === true
    ? `\`${name}\` declares no effects, so it counts as destructive; declare \`effects: { readOnly: true }\` if it only reads`
    : `\`${name}\` writes (its effects say so) and the approval policy asks for it`;
}

/** An approver for the run's `approve` option, and a way to let go of the terminal. */
export interface CliApprover {
  /** Decides one call. */
  readonly approve: (call: ApprovalRequest) => Promise<ApprovalDecision>;
  /** Stops listening to the input; questions still open are refused. */
  close(): void;
}

/** JSON text elided in the middle when long: start, `…(N characters)…`, end. Never cut at the end. */
export function elideMiddle(text: string, max = MAX_SHOWN_VALUE): string {
  if (text.length <= max) return text;
  const keep = Math.max(1, Math.floor((max - 24) / 2));
  return `${text.slice(0, keep)}…(${text.length} characters)…${text.slice(-keep)}`;
}

/**
 * One line describing a call for a person: id, tool, and EVERY argument, names in sorted order,
 * each value as compact JSON elided in the middle when long (its start, its length, its end), so
 * nothing a model writes can push another argument or the end of a value out of view. Control
 * and bidi characters are escaped (see `printable`).
 *
 * @example
 * describeCall({ id: 'rm', tool: 'delete_file', args: { path: 'a.txt' }, ... })
 * // 'rm: delete_file {"path":"a.txt"}'
 */
export function describeCall(call: Pick<ApprovalRequest, 'id' | 'tool' | 'args'>): string {
  const args: unknown = call.args;
  let shown: string;
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) {
    const keys = Object.keys(args).sort();
    const parts = keys.map((key) => {
      let value: unknown;
      try {
        value = (args as Record<string, unknown>)[key];
      } catch {
        value = '[unreadable]';
      }
      const json = boundedJson(value, { sortKeys: true, onProblem: 'mark', escapeUnsafe: true });
      const text = typeof json === 'string' ? json : json === undefined ? 'undefined' : `"[${json.message}]"`;
      return `${elideMiddle(jsonString(key, true))}:${elideMiddle(text)}`;
    });
    shown = `{${parts.join(',')}}`;
  } else {
    const json = boundedJson(args, { sortKeys: true, onProblem: 'mark', escapeUnsafe: true });
    shown = elideMiddle(typeof json === 'string' ? json : 'undefined');
  }
  return printable(`${call.id}: ${call.tool} ${shown}`);
}

const CLOSED: ApprovalDecision = { reject: 'not approved: the terminal closed before an answer' };

/**
 * Asks at the terminal: `approve <call>? [y/N/a]`. `y` or `yes` runs the call; `a` or `all`
 * runs it and every later call of the same tool in this run without asking; anything else, or
 * the input ending, refuses it (the model is told it was declined). Questions wait their turn,
 * so answers never cross. The first question about a tool that declares no effects says why it
 * asks (see {@link whyAsk}).
 *
 * @example
 * const approver = terminalApprover({ input: process.stdin, output: process.stderr })
 * try { await run(plan, { tools, approve: approver.approve }) } finally { approver.close() }
 */
export function terminalApprover(options: TerminalApproverOptions): CliApprover {
  let lines: Interface | undefined;
  let closed = false;
  let turn: Promise<unknown> = Promise.resolve();
  const waiting: ((answer: string | undefined) => void)[] = [];
  // Lines typed ahead of their question wait here for it.
  const typedAhead: string[] = [];
  // Tools the person answered `a` for, and tools whose reason was already told.
  const approvedTools = new Set<string>();
  const told = new Set<string>();
  const listen = (): void => {
    if (lines === undefined) {
      lines = createInterface({ input: options.input, terminal: false });
      lines.on('line', (line) => {
        const answer = waiting.shift();
        if (answer === undefined) typedAhead.push(line);
        else answer(line);
      });
      lines.on('close', () => {
        closed = true;
        for (const answer of waiting.splice(0)) answer(undefined);
      });
    }
  };
  const ask = async (call: ApprovalRequest): Promise<ApprovalDecision> => {
    if (approvedTools.has(call.tool)) return 'approve';
    if (closed) return CLOSED;
    options.beforeAsk?.();
    try {
      listen();
      if (options.undeclared?.has(call.tool) === true && !told.has(call.tool)) {
        told.add(call.tool);
        options.output.write(`${whyAsk(call.tool, options.undeclared)}.\n`);
      }
      options.output.write(`approve ${describeCall(call)}? [y/N/a = all ${printable(call.tool)} calls] `);
      const answer = await new Promise<string | undefined>((resolve) => {
        if (typedAhead.length > 0) resolve(typedAhead.shift());
        else if (closed) resolve(undefined);
        else waiting.push(resolve);
      });
      if (answer === undefined) {
        options.output.write('\n');
        return CLOSED;
      }
      if (/^\s*a(ll)?\s*$/i.test(answer)) {
        approvedTools.add(call.tool);
        return 'approve';
      }
      return /^\s*y(es)?\s*$/i.test(answer) ? 'approve' : { reject: 'declined by the person at the terminal' };
    } finally {
      options.afterAsk?.();
    }
  };
  return {
    approve: (call) => {
      const decision = turn.then(() => ask(call));
      turn = decision.catch(() => undefined);
      return decision;
    },
    // Closing the lines ends every open question (their 'close' handler above).
    close: () => {
      closed = true;
      lines?.close();
    },
  };
}

/**
 * An approver for when nobody can answer (no terminal): refuses every call the policy selects,
 * and says why the call asks and how to allow it.
 *
 * @example
 * await refusingApprover(new Set(['fetch_url'])).approve(call)
 * // { reject: '`fetch_url` declares no effects, so it counts as destructive; …; it needs approval and there is no terminal to ask: …' }
 */
export function refusingApprover(undeclared?: ReadonlySet<string>): CliApprover {
  return {
    approve: async (call) => ({ reject: `${whyAsk(call.tool, undeclared)}; it needs approval and there is no terminal to ask: rerun with --yes to allow it, or in a terminal` }),
    close: () => undefined,
  };
}
