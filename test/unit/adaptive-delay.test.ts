import { expect } from 'chai';
import { AdaptiveDelay } from '../../src/kernel/adaptive-delay.js';

describe('adaptive poll delay', () => {
  it('starts idle, is short after a poll that found work, and doubles back to the idle interval', () => {
    const delay = new AdaptiveDelay(10, 1000);
    expect(delay.next(false)).to.equal(1000);
    expect(delay.next(true)).to.equal(10);
    expect([delay.next(false), delay.next(false), delay.next(true), delay.next(false)]).to.deep.equal([20, 40, 10, 20]);
    for (let i = 0; i < 10; i++) delay.next(false);
    expect(delay.next(false)).to.equal(1000);
  });

  it('never goes below its idle interval when the short one is longer', () => {
    expect(new AdaptiveDelay(500, 100).next(true)).to.equal(100);
  });
});
