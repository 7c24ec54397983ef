// Types of tools.mjs, for the TypeScript test that imports it.
import type { ToolDefinition } from '../../src/tools/tool-types.js';

export interface WriteRecord {
  readonly callId: string;
  readonly op: 'edit' | 'append' | 'delete';
  readonly path: string;
  readonly what: string;
}

export declare const INITIAL_FILES: Readonly<Record<string, string>>;
export declare function realSleep(ms: number, signal?: AbortSignal): Promise<void>;
export declare function createWorkspace(options?: {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  files?: Readonly<Record<string, string>>;
}): {
  tools: ToolDefinition<any, any>[];
  files: Map<string, string>;
  writes: WriteRecord[];
};
