/**
 * Provider call ids → toolgraph ids. Ids outside `[A-Za-z0-9_.:-]{1,128}` are mapped
 * deterministically to a safe id (cleaned text plus a hash of the original); the mapping is
 * kept so results go back with the ORIGINAL provider id.
 */
import { CALL_ID_PATTERN } from '../plan/schema.js';
import type { CallIdMap } from './format-types.js';

/** FNV-1a 32-bit hash of a string, as 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The safe toolgraph id of a provider id: the id itself when it is already safe, otherwise its
 * usable characters (others become `_`, at most 100) followed by `-h<hash of the original>`.
 *
 * @example
 * safeCallId('call_1')        // 'call_1'
 * safeCallId('call 1/ä')      // 'call_1__-h3f0c9a12' (hash varies with the input)
 */
export function safeCallId(providerId: string): string {
  if (CALL_ID_PATTERN.test(providerId)) return providerId;
  const cleaned = providerId.slice(0, 100).replace(/[^A-Za-z0-9_.:-]/g, '_');
  return `${cleaned}-h${fnv1a(providerId)}`;
}

/** What {@link CallIdRegistry.assign} decided for one call. */
export interface AssignedId {
  /** The toolgraph id. */
  readonly id: string;
  /** The provider's id (or the generated one when the response gave none). */
  readonly providerId: string;
  /** True when another call of the response already had this provider id. */
  readonly duplicate: boolean;
}

/**
 * Assigns safe, unique toolgraph ids to the calls of one response and remembers the
 * provider's ids.
 */
export class CallIdRegistry implements CallIdMap {
  private readonly toProvider = new Map<string, string>();
  private readonly fromProvider = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly generated = new Set<string>();
  /** Next suffix to try per stem, so N repeats of one id cost O(N), not O(N²). */
  private readonly nextSuffix = new Map<string, number>();
  /** Toolgraph ids in the order they were assigned. */
  readonly order: string[] = [];

  /**
   * Assigns an id. `providerId` undefined (or not a non-empty string): a generated id from
   * `fallback` (e.g. the call's 1-based position). A provider id seen before: a fresh id
   * `<id>:dup<n>` flagged `duplicate`.
   */
  assign(providerId: unknown, fallback: string): AssignedId {
    if (typeof providerId !== 'string' || providerId === '') {
      const id = this.unique(safeCallId(fallback));
      this.record(id, id);
      this.generated.add(id);
      return { id, providerId: id, duplicate: false };
    }
    if (this.fromProvider.has(providerId)) {
      const base = safeCallId(providerId).slice(0, 110);
      const id = this.suffixed(`${base}:dup`);
      this.record(id, providerId);
      return { id, providerId, duplicate: true };
    }
    const id = this.unique(safeCallId(providerId));
    this.record(id, providerId);
    this.fromProvider.set(providerId, id);
    return { id, providerId, duplicate: false };
  }

  /** The toolgraph id of a provider id seen so far (first occurrence). */
  idOf(providerId: string): string | undefined {
    return this.fromProvider.get(providerId);
  }

  /** True when a toolgraph id has been assigned. */
  has(id: string): boolean {
    return this.used.has(id);
  }

  /** {@inheritDoc CallIdMap.providerId} */
  providerId(id: string): string {
    return this.toProvider.get(id) ?? id;
  }

  /** {@inheritDoc CallIdMap.isGenerated} */
  isGenerated(id: string): boolean {
    return this.generated.has(id);
  }

  /** {@inheritDoc CallIdMap.entries} */
  entries(): IterableIterator<[string, string]> {
    return this.toProvider.entries();
  }

  private unique(base: string): string {
    if (!this.used.has(base)) return base;
    return this.suffixed(`${base.slice(0, 116)}:`);
  }

  /** `stem` + the first number from 2 up not used yet (each number is tried once per stem). */
  private suffixed(stem: string): string {
    let n = this.nextSuffix.get(stem) ?? 2;
    while (this.used.has(`${stem}${n}`)) n++;
    this.nextSuffix.set(stem, n + 1);
    return `${stem}${n}`;
  }

  private record(id: string, providerId: string): void {
    this.used.add(id);
    this.order.push(id);
    this.toProvider.set(id, providerId);
  }
}
