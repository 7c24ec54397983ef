// node examples/protocol/openai.mjs — toolgraph with OpenAI Chat Completions: the tools are
// declared with toolDeclarations (strict mode, placeholders admitted), the system prompt is
// protocolPrompt, and runAgent runs each response's calls as a DAG. With OPENAI_API_KEY set it
// calls the real API (model: OPENAI_MODEL, default gpt-4.1-mini); without it, it replays the
// scripted responses in openai-turns.json (written in the API's response shape).
import { readFile } from 'node:fs/promises';
import { openAIChatAdapter, protocolPrompt, runAgent, toolDeclarations } from '../../dist/index.js';
import { printRun, weatherTools } from './weather-tools.mjs';

const seen = [];
const tools = weatherTools(seen);
const system = protocolPrompt({ tools, style: 'native' });
const declarations = toolDeclarations(tools, { provider: 'openai-chat', strict: true });
const key = process.env.OPENAI_API_KEY;
const scripted = JSON.parse(await readFile(new URL('./openai-turns.json', import.meta.url), 'utf8'));

async function callModel({ messages, turn, signal }) {
  if (key === undefined || key === '') return scripted[turn - 1];
  const response = await fetch('https://api.openai.com/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: process.env.OPENAI_MODEL ?? 'gpt-4.1-mini', messages, tools: declarations, parallel_tool_calls: true }),
    signal,
  });
  if (!response.ok) throw new Error(`OpenAI API: HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response.json();
}

const result = await runAgent({
  provider: openAIChatAdapter(),
  callModel,
  messages: [
    { role: 'system', content: system },
    { role: 'user', content: 'What is the weather in Paris right now, in Fahrenheit?' },
  ],
  tools,
  maxTurns: 4,
});
printRun(result, seen, key ? 'OpenAI API' : 'scripted responses (set OPENAI_API_KEY for the real API)');
