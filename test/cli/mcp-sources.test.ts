import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../src/cli/mcp-sources.js';

describe('splitCommand', () => {
  it('splits on whitespace, groups quotes and honours backslashes, with no shell', () => {
    expect(splitCommand(`node "my server.mjs"  --flag='a b' x\\ y`)).toEqual(['node', 'my server.mjs', '--flag=a b', 'x y']);
    expect(splitCommand(`echo "" $HOME ; rm`)).toEqual(['echo', '', '$HOME', ';', 'rm']);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCommand('node "server.mjs')).toThrow(/unclosed " quote/);
  });
});
