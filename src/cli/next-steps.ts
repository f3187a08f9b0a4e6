/**
 * What a newcomer does after `npm start`, logged once the service runs: the same steps as the
 * README's quick start, with this process's own address and command.
 */
export function nextSteps(address: string, configFile: string | undefined): string[] {
  // Under `npm start` the command is the checkout's npm script; an installed package has `outbox`.
  const script = process.env['npm_lifecycle_event'];
  const outbox = script === 'start' || script === 'outbox' ? 'npm run outbox --' : 'outbox';
  const config = configFile ? ` --config ${configFile}` : '';
  return [
    `next: in another shell, create an API key: ${outbox} keys create --name me --scopes admin${config}`,
    `next: poll events at ${address}/api/v1/events (header Authorization: Bearer <key>); the OpenAPI document is ${address}/api/v1/openapi.json`,
    `next: subscribe a webhook: curl -X POST ${address}/api/v1/webhooks/subscriptions -H 'Authorization: Bearer <key>' -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:9000/","event_types":["*"]}' (the answer holds the signing secret)`,
  ];
}
