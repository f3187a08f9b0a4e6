import { expect } from 'chai';
import { metricsRegistry } from '../../src/api/metrics.js';

describe('metric names', () => {
  it('carry the outbox_ prefix once, before the standard process and Node.js names', () => {
    // Names only: collecting would also run the gauges other tests registered on their stores.
    const names = metricsRegistry.getMetricsAsArray().map((metric) => metric.name);
    expect(names).to.include('outbox_process_cpu_user_seconds_total');
    expect(names).to.include('outbox_nodejs_eventloop_lag_seconds');
    expect(names.filter((name) => /process_process|outbox_outbox/.test(name))).to.deep.equal([]);
  });
});
