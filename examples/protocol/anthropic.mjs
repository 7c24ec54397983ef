// node examples/protocol/anthropic.mjs — toolgraph with the Anthropic Messages API: tools from
// toolDeclarations, the system prompt from protocolPrompt, runAgent running each response's
// tool_use blocks as a DAG. With ANTHROPIC_API_KEY set it calls the real API (model:
// ANTHROPIC_MODEL, default claude-sonnet-4-5); without it, it replays the scripted responses in
// anthropic-turns.json (written in the API's response shape).
import { readFile } from 'node:fs/promises';
import { anthropicAdapter, protocolPrompt, runAgent, toolDeclarations } from '../../dist/index.js';
import { printRun, weatherTools } from './weather-tools.mjs';

const seen = [];
const tools = weatherTools(seen);
const system = protocolPrompt({ tools, style: 'native' });
const declarations = toolDeclarations(tools, { provider: 'anthropic' });
const key = process.env.ANTHROPIC_API_KEY;
const scripted = JSON.parse(await readFile(new URL('./anthropic-turns.json', import.meta.url), 'utf8'));

async function callModel({ messages, turn, signal }) {
  if (key === undefined || key === '') return scripted[turn - 1];
  const response = await fetch('https://api.anthropic.com/v1/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5', max_tokens: 1024, system, messages, tools: declarations }),
    signal,
  });
  if (!response.ok) throw new Error(`Anthropic API: HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response.json();
}

const result = await runAgent({
  provider: anthropicAdapter(),
  callModel,
  messages: [{ role: 'user', content: 'What is the weather in Paris right now, in Fahrenheit?' }],
  tools,
  maxTurns: 4,
});
printRun(result, seen, key ? 'Anthropic API' : 'scripted responses (set ANTHROPIC_API_KEY for the real API)');
