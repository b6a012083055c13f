import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// Every command's --help reads the same way: every option says what it does, connection flags sit in their own group
// with their defaults, and commands that never talk to the Cloud Controller do not offer its credentials.

const CC_ONLY_FLAGS = ['--username', '--password', '--client-id', '--client-secret', '--skip-ssl-validation'];
/** Commands that work from Redis alone. */
const REDIS_ONLY = new Set([
  'reports list',
  'reports get',
  'schedule list',
  'schedule remove',
  'campaign list',
  'campaign status',
  'campaign report',
  'campaign cancel',
  'campaign pause',
]);

async function help(command: string): Promise<string> {
  const result = await runCli([...command.split(' ').filter(Boolean), '--help']);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** The subcommands a help page lists under "Commands:". */
function subcommands(text: string): string[] {
  const section = text.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}cf-shares ((?:[a-z-]+ ?)+)/gm)].map((m) => m[1]!.trim());
}

/** Option lines grouped by their heading ("Options:", "Connection:", ...), with the text that follows the flag. */
function optionGroups(text: string): Map<string, { flag: string; rest: string }[]> {
  const groups = new Map<string, { flag: string; rest: string }[]>();
  let heading = '';
  for (const line of text.split('\n')) {
    const head = /^([A-Z][A-Za-z ]+):$/.exec(line);
    if (head) {
      heading = head[1]!;
      groups.set(heading, []);
      continue;
    }
    const option = /^\s+(?:-\w, )?(--[a-z-]+)\s+(.*)$/.exec(line);
    if (option && heading !== 'Commands' && heading !== 'Positionals') {
      groups.get(heading)!.push({ flag: option[1]!, rest: option[2]!.trim() });
    }
  }
  return groups;
}

async function allCommands(): Promise<string[]> {
  const top = subcommands(await help(''));
  const all: string[] = [];
  for (const command of top) {
    const name = command.split(' ')[0]!;
    const nested = subcommands(await help(name));
    if (nested.length === 0) all.push(name);
    else all.push(...nested);
  }
  return all;
}

describe('--help of every command', () => {
  it('describes every option, groups connection flags with their defaults, and offers only the flags a command uses', async () => {
    const commands = await allCommands();
    expect(commands).toEqual(expect.arrayContaining(['report', 'reports list', 'campaign status', 'schedule add']));
    const problems: string[] = [];
    for (const command of commands) {
      const text = await help(command);
      for (const [heading, options] of optionGroups(text)) {
        for (const { flag, rest } of options) {
          // A line that holds only "[boolean] [default: false]" says nothing of what the option does.
          if (/^\[[^\]]+\](\s+\[[^\]]+\])*$/.test(rest) || rest === '')
            problems.push(`${command}: ${flag} has no description`);
          if ((flag === '--redis' || flag === '--prefix') && heading === 'Options') {
            problems.push(`${command}: ${flag} is not in a connection group`);
          }
          if ((flag === '--redis' || flag === '--prefix') && !/default/.test(rest)) {
            problems.push(`${command}: ${flag} does not say its default`);
          }
          if (REDIS_ONLY.has(command) && CC_ONLY_FLAGS.includes(flag)) {
            problems.push(`${command}: offers ${flag}, which it never uses`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('schedule add says what may follow --', async () => {
    const text = await help('schedule add');
    expect(text).toMatch(/after --/i);
    expect(text).toMatch(/report/);
    expect(text).toMatch(/export/);
  });
});
