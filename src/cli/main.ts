#!/usr/bin/env node
// The entry point checks the Node version before loading anything else: the CLI's libraries use
// Node 22 features (undici throws a TypeError while loading on Node 20), so on an older Node a
// static import would crash with a stack trace before any check could run.
const REQUIRED_MAJOR = 22;

const found = process.versions.node;
if (Number(found.split('.')[0]) < REQUIRED_MAJOR) {
  process.stderr.write(`error: Node.js ${REQUIRED_MAJOR} or newer is required (found ${found})\n`);
  process.exit(2);
}

// `outbox ... | tee log` stopped with Ctrl-C closes the pipe before the service has stopped:
// the remaining log lines are lost, but the shutdown (and the store) must still complete.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

await import('./program.js');
export {};
