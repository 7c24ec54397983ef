/**
 * Approvals: which calls ask a person before they run, and what the person may answer.
 */
import type { ResolvedEffects } from '../../tools/tool-types.js';

/** A call as shown to the approver: real argument values, already filled. */
export interface ApprovalRequest {
  /** The call's id. */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** The filled, parsed arguments. */
  readonly args: unknown;
  /** The tool's effects. */
  readonly effects: ResolvedEffects;
  /** The run's id. */
  readonly runId: string;
}

/** What an approver answers: run it, refuse it (with a reason the model is told), or run it with other args. */
export type ApprovalDecision = 'approve' | { readonly reject: string } | { readonly edit: Record<string, unknown> };

/** Which calls ask: destructive writes, every write, none, or your own predicate. */
export type ApprovalPolicy = 'destructive' | 'writes' | 'none' | ((call: ApprovalRequest) => boolean);

/** The policies named by a word (the CLI's `--require-approval` takes these). */
export const APPROVAL_POLICY_NAMES = ['destructive', 'writes', 'none'] as const;

/**
 * True for a policy: one of {@link APPROVAL_POLICY_NAMES}, or a function.
 *
 * @example
 * isApprovalPolicy('writes') // true
 * isApprovalPolicy('all')    // false
 */
export function isApprovalPolicy(value: unknown): value is ApprovalPolicy {
  return typeof value === 'function' || (APPROVAL_POLICY_NAMES as readonly unknown[]).includes(value);
}

/** True when `call` must be approved under `policy`. */
export function needsApproval(policy: ApprovalPolicy, call: ApprovalRequest): boolean {
  if (typeof policy === 'function') return policy(call);
  switch (policy) {
    case 'none':
      return false;
    case 'writes':
      return !call.effects.readOnly;
    case 'destructive':
      return !call.effects.readOnly && call.effects.destructive;
  }
}

/** True for a well-formed decision. */
export function isDecision(value: unknown): value is ApprovalDecision {
  if (value === 'approve') return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Object.hasOwn(value, 'reject')) return typeof (value as { reject: unknown }).reject === 'string';
  if (Object.hasOwn(value, 'edit')) {
    const edit = (value as { edit: unknown }).edit;
    return typeof edit === 'object' && edit !== null && !Array.isArray(edit);
  }
  return false;
}
