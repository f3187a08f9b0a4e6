import type { Command } from 'commander';

/**
 * `run` is the default command, so Commander hands it any word it does not know and `outbox
 * subscriptons` would answer "too many arguments for 'run'". A first word that names no command
 * is refused here instead, with the list of commands.
 */
export function refuseUnknownCommands(program: Command): void {
  program.hook('preSubcommand', (parent, subcommand) => {
    const first = parent.args[0];
    if (subcommand.name() !== 'run' || first === undefined || first === 'run' || first.startsWith('-')) return;
    const width = Math.max(...parent.commands.map((c) => c.name().length)) + 2;
    const list = parent.commands.map((c) => `  ${c.name().padEnd(width)}${c.description()}`).join('\n');
    parent.error(`error: unknown command '${first}'\ncommands:\n${list}`, { exitCode: 2, code: 'outbox.unknownCommand' });
  });
}
