/**
 * Type tests (checked by `npm run typecheck`): each provider's declarations are assignable to
 * that provider's own SDK types.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Tool as GeminiTool } from '@google/genai';
import type OpenAI from 'openai';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.js';
import { planTool } from '../../src/protocol/plan-tool.js';
import { toolDeclarations } from '../../src/protocol/tool-declarations.js';

const search = defineTool({ name: 'search', input: z.object({ query: z.string() }), execute: () => [] });
const tools = [search, planTool([search])];

expectTypeOf(toolDeclarations(tools, { provider: 'openai-chat', strict: true })).toExtend<OpenAI.Chat.Completions.ChatCompletionTool[]>();
expectTypeOf(toolDeclarations(tools, { provider: 'openai-chat' })).toExtend<OpenAI.Chat.Completions.ChatCompletionCreateParams['tools']>();
expectTypeOf(toolDeclarations(tools, { provider: 'openai-responses' })).toExtend<OpenAI.Responses.FunctionTool[]>();
expectTypeOf(toolDeclarations(tools, { provider: 'openai-responses' })).toExtend<OpenAI.Responses.ResponseCreateParams['tools']>();
expectTypeOf(toolDeclarations(tools, { provider: 'anthropic' })).toExtend<Anthropic.Messages.Tool[]>();
expectTypeOf(toolDeclarations(tools, { provider: 'anthropic' })).toExtend<Anthropic.Messages.MessageCreateParams['tools']>();
expectTypeOf(toolDeclarations(tools, { provider: 'gemini' })).toExtend<GeminiTool[]>();
// A provider's declarations are not another's.
expectTypeOf(toolDeclarations(tools, { provider: 'anthropic' })).not.toExtend<OpenAI.Chat.Completions.ChatCompletionTool[]>();
expectTypeOf(toolDeclarations(tools, { provider: 'openai-chat' })).not.toExtend<Anthropic.Messages.Tool[]>();
