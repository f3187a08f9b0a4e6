import type { Command } from 'commander';
import { formatResults, runDoctor } from '../../doctor/checks.js';
import { loadCliContext } from '../context.js';
import { action } from '../action.js';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check connections, TLS, rights, schema, database settings, time zone, clock skew and subscription URLs; one line per check',
    )
    .option('--json', 'print JSON instead of text')
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const { config } = loadCliContext(command.optsWithGlobals());
        const results = await runDoctor(config);
        process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
        if (results.some((r) => !r.ok)) process.exit(1);
      }),
    );
}
