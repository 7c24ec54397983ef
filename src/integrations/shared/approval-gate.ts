/**
 * Approvals asked of a framework's host instead of an `approve` callback: toolgraph's approver
 * parks the call (args filled) until the host decides, and a framework asking "does this call
 * need approval?" gets its answer as soon as toolgraph knows it: the call asked (true), the call
 * started or ended without asking (false), or the step went idle with the call waiting behind a
 * parked one (true, `waits`: the host decides it before its inputs exist).
 */
import type { ApprovalDecision, ApprovalPolicy, ApprovalRequest } from '../../schedule/policies/approval.js';
import { needsApproval } from '../../schedule/policies/approval.js';
import type { RunEvent } from '../../schedule/events.js';
import { isTerminalEvent } from '../../schedule/events.js';

/** A call the host is asked about. */
export interface PendingApproval {
  /** `asks`: toolgraph asks about this call with its filled args. `waits`: it waits on a call the host is asked about. */
  readonly kind: 'asks' | 'waits';
  /** The tool's name. */
  readonly tool: string;
  /** The filled args (`asks`), or the args as the model wrote them (`waits`). */
  readonly args: unknown;
}

interface Parked {
  readonly request: ApprovalRequest;
  decide(decision: ApprovalDecision): void;
}

/** The approval bookkeeping of one step. */
export class ApprovalGate {
  private readonly parked = new Map<string, Parked>();
  private readonly questions = new Map<string, { resolve(asks: boolean): void; promise: Promise<boolean> }>();
  private readonly answers = new Map<string, boolean>();
  private readonly waiting = new Map<string, PendingApproval>();
  private readonly preDecided = new Map<string, ApprovalDecision>();
  private readonly started = new Set<string>();
  private readonly rawArgs = new Map<string, { tool: string; args: unknown }>();
  private running = 0;
  private sourceEnded = false;
  private idleCheck = false;

  constructor(private readonly policy: ApprovalPolicy) {}

  /** The policy toolgraph runs with: the user's, plus every call the host already decided. */
  readonly requireApproval = (request: ApprovalRequest): boolean => this.preDecided.has(request.id) || needsApproval(this.policy, request);

  /** toolgraph's approver: a decision made before the call got here, or park it for the host. */
  readonly approve = (request: ApprovalRequest): ApprovalDecision | Promise<ApprovalDecision> => {
    const early = this.preDecided.get(request.id);
    if (early !== undefined) return early;
    return new Promise<ApprovalDecision>((resolve) => {
      this.parked.set(request.id, { request, decide: resolve });
      this.answer(request.id, true);
    });
  };

  /** Remembers a call as the model wrote it (shown for `waits`). */
  noteCall(id: string, tool: string, args: unknown): void {
    this.rawArgs.set(id, { tool, args });
  }

  /** The step's output is complete: no more calls will arrive. */
  endSource(): void {
    this.sourceEnded = true;
    this.scheduleIdleCheck();
  }

  /** Feed every run event here. */
  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'call_started') {
      if (!this.started.has(event.callId)) this.running++;
      this.started.add(event.callId);
      this.answer(event.callId, false);
    } else if (isTerminalEvent(event)) {
      if (this.started.delete(event.callId)) this.running--;
      this.answer(event.callId, false);
      this.scheduleIdleCheck();
    } else if (event.type === 'approval_requested') {
      this.scheduleIdleCheck();
    }
  };

  /** Whether the host must decide this call (resolves once toolgraph knows). */
  needsHost(id: string): Promise<boolean> {
    const known = this.answers.get(id);
    if (known !== undefined) return Promise.resolve(known);
    let q = this.questions.get(id);
    if (q === undefined) {
      let resolve!: (asks: boolean) => void;
      const promise = new Promise<boolean>((r) => (resolve = r));
      q = { resolve, promise };
      this.questions.set(id, q);
      this.scheduleIdleCheck();
    }
    return q.promise;
  }

  /** What the host is asked about a call, when it is. */
  pending(id: string): PendingApproval | undefined {
    const parked = this.parked.get(id);
    if (parked !== undefined) return { kind: 'asks', tool: parked.request.tool, args: parked.request.args };
    return this.waiting.get(id);
  }

  /** The host's decision about a call (approve runs it, reject refuses it). */
  decide(id: string, decision: ApprovalDecision): void {
    const parked = this.parked.get(id);
    if (parked !== undefined) {
      this.parked.delete(id);
      parked.decide(decision);
      return;
    }
    if (!this.preDecided.has(id)) this.preDecided.set(id, decision);
    this.waiting.delete(id);
  }

  /** Toolgraph ids the host is being asked about. */
  asked(): string[] {
    return [...this.parked.keys(), ...this.waiting.keys()];
  }

  private answer(id: string, asks: boolean): void {
    if (this.answers.has(id)) return;
    this.answers.set(id, asks);
    const q = this.questions.get(id);
    if (q !== undefined) {
      this.questions.delete(id);
      q.resolve(asks);
    }
  }

  private scheduleIdleCheck(): void {
    if (this.idleCheck) return;
    this.idleCheck = true;
    // Let what toolgraph starts synchronously (and on resolved promises) start first.
    setImmediate(() => {
      this.idleCheck = false;
      this.checkIdle();
    });
  }

  /** Idle with calls parked: every open question is about a call waiting behind a parked one. */
  private checkIdle(): void {
    if (!this.sourceEnded || this.running > 0 || this.parked.size === 0) return;
    for (const id of [...this.questions.keys()]) {
      const raw = this.rawArgs.get(id);
      this.waiting.set(id, { kind: 'waits', tool: raw?.tool ?? 'unknown tool', args: raw?.args });
      this.answer(id, true);
    }
  }

}
