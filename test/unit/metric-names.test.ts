import { expect } from 'chai';
import { metricsRegistry } from '../../src/api/metrics.js';

describe('metric names', () => {
  it('carry the outbox_ prefix once, before the standard process and Node.js names', async () => {
    const text = await metricsRegistry.metrics();
    expect(text).to.match(/^outbox_process_cpu_user_seconds_total /m);
    expect(text).to.match(/^outbox_nodejs_eventloop_lag_seconds /m);
    expect(text).not.to.match(/process_process|outbox_outbox/);
  });
});
