import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import {
  BlockedAddressError,
  checkLiteralHost,
  checkUrlShape,
  createUrlGuard,
  forbiddenRange,
  guardedLookup,
  resolveAndCheck,
  type DeliveryEnv,
  type LookupAll,
} from '../../src/delivery/address-guard.js';

const FORBIDDEN: Array<[string, string]> = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.254', 'carrier-grade NAT'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.1.1', 'link-local'],
  ['169.254.169.254', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.99', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback'],
  ['::ffff:10.1.2.3', 'IPv4-mapped private'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['0:0:0:0:0:ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['2130706433', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['::8.8.8.8', 'IPv4-compatible'],
  ['64:ff9b::a00:1', 'NAT64 private'],
  ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
  ['64:ff9b:1::a9fe:a9fe', 'NAT64 metadata'],
  ['64:ff9b:1::808:808', 'local-use NAT64'],
  ['2002:c0a8:0101::1', '6to4 private'],
  ['2002:7f00:1::', '6to4 loopback'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:2::1', 'benchmarking'],
  ['2001:10::1', 'ORCHID'],
  ['2001:20::1', 'ORCHIDv2'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'discard-only'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['5f00::1', 'segment routing'],
  ['4000::1', 'reserved'],
  ['not-an-ip', 'not an IP address'],
];

const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '100.63.255.255',
  '100.128.0.1',
  '172.32.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '64:ff9b::808:808',
  '64:ff9b::8.8.4.4',
  '2002:0808:0808::1',
  '::ffff:8.8.8.8',
];

function fixedLookup(...addresses: string[]): LookupAll & { calls: number } {
  const fn = Object.assign(
    async () => {
      fn.calls += 1;
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    { calls: 0 },
  );
  return fn;
}

async function expectRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The BlockedAddressError behind an undici failure, wherever undici put it. */
function blockedCause(error: unknown): BlockedAddressError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) if (current instanceof BlockedAddressError) return current;
  return undefined;
}

describe('address guard', () => {
  describe('forbiddenRange', () => {
    for (const [address, range] of FORBIDDEN) {
      it(`refuses ${address} as ${range}`, () => {
        expect(forbiddenRange(address)).to.equal(range);
      });
    }
    for (const address of ALLOWED) {
      it(`allows ${address}`, () => {
        expect(forbiddenRange(address)).to.equal(null);
      });
    }
  });

  describe('checkUrlShape', () => {
    it('normalises numeric IPv4 spellings the way the sender will, and refuses them in production', () => {
      for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1']) {
        const verdict = checkUrlShape(`https://${host}/hook`, 'production');
        expect(verdict, host).to.deep.equal({ ok: false, reason: 'must not point at a loopback address (127.0.0.1)' });
      }
      expect(checkUrlShape('https://[::ffff:127.0.0.1]/', 'production')).to.deep.equal({
        ok: false,
        reason: 'must not point at a IPv4-mapped loopback address (::ffff:7f00:1)',
      });
    });

    it('gives a reason for each refusal', () => {
      const cases: Array<[string, DeliveryEnv, string]> = [
        ['/relative', 'production', 'is not an absolute URL'],
        ['ftp://files.example.com/', 'development', 'must use https (or http outside production)'],
        ['https://user:pw@hooks.example.com/', 'development', 'must not carry credentials'],
        ['http://hooks.example.com/', 'production', 'must use https in production'],
        ['https://10.0.0.1/', 'production', 'must not point at a private address (10.0.0.1)'],
        ['https://[::1]:8443/', 'production', 'must not point at a loopback address (::1)'],
        ['https://[64:ff9b::a00:1]/', 'production', 'must not point at a NAT64 private address (64:ff9b::a00:1)'],
        ['https://169.254.169.254/latest/meta-data/', 'production', 'must not point at a metadata address (169.254.169.254)'],
        ['https://localhost/', 'production', 'must not point at localhost'],
        ['https://LOCALHOST./', 'production', 'must not point at localhost'],
        ['https://api.localhost/', 'production', 'must not point at localhost'],
        ['https://metadata.google.internal/computeMetadata/v1/', 'production', 'must not point at a cloud metadata service'],
        ['https://printer.local/', 'production', 'must not point at a private name (printer.local)'],
      ];
      for (const [url, env, reason] of cases) expect(checkUrlShape(url, env), url).to.deep.equal({ ok: false, reason });
    });

    it('accepts public https URLs in production and any http(s) host elsewhere', () => {
      const verdict = checkUrlShape('https://hooks.example.com/x?y=1', 'production');
      expect(verdict.ok && verdict.url.hostname).to.equal('hooks.example.com');
      expect(checkUrlShape('https://[2606:4700:4700::1111]/', 'production').ok).to.equal(true);
      expect(checkUrlShape('http://localhost:3000/hook', 'development').ok).to.equal(true);
      expect(checkUrlShape('http://10.0.0.1/hook', 'test').ok).to.equal(true);
    });

    it('rejects a zone id in a URL host outright (WHATWG URL does not allow one)', () => {
      expect(checkUrlShape('https://[fe80::1%25eth0]/', 'development')).to.deep.equal({ ok: false, reason: 'is not an absolute URL' });
    });
  });

  describe('checkLiteralHost', () => {
    it('throws for forbidden literals and names in production only', () => {
      for (const host of ['127.0.0.1', '[::1]', '::ffff:10.0.0.1', 'localhost', 'metadata.google.internal']) {
        expect(() => checkLiteralHost(host, 'production'), host)
          .to.throw(BlockedAddressError)
          .that.includes({ errorClass: 'ssrf_blocked', code: 'ESSRFBLOCKED' });
        expect(() => checkLiteralHost(host, 'development'), host).not.to.throw();
      }
      expect(() => checkLiteralHost('8.8.8.8', 'production')).not.to.throw();
      expect(() => checkLiteralHost('hooks.example.com', 'production')).not.to.throw();
    });
  });

  describe('resolveAndCheck', () => {
    it('refuses in production when any resolved address is forbidden', async () => {
      const lookup = fixedLookup('93.184.216.34', '2606:4700:4700::1111', '10.1.2.3');
      const error = await expectRejection(resolveAndCheck('mixed.example', 'production', lookup));
      expect(error).to.be.instanceOf(BlockedAddressError);
      expect(error).to.include({
        errorClass: 'ssrf_blocked',
        code: 'ESSRFBLOCKED',
        address: '10.1.2.3',
        range: 'private',
        hostname: 'mixed.example',
      });
      // What a name resolves to stays inside: refusals reach API callers and the delivery log.
      expect((error as Error).message).to.equal('mixed.example resolves to a private address');
    });

    it('returns the first address when all are public, and does not refuse outside production', async () => {
      expect(await resolveAndCheck('ok.example', 'production', fixedLookup('2606:4700:4700::1111', '1.1.1.1'))).to.deep.equal({
        address: '2606:4700:4700::1111',
        family: 6,
      });
      expect(await resolveAndCheck('dev.example', 'development', fixedLookup('127.0.0.1', '10.0.0.1'))).to.deep.equal({
        address: '127.0.0.1',
        family: 4,
      });
    });

    it('checks IP literals directly, without DNS', async () => {
      const lookup = fixedLookup('8.8.8.8');
      const error = await expectRejection(resolveAndCheck('[fd00:ec2::254]', 'production', lookup));
      expect(error).to.include({ errorClass: 'ssrf_blocked', range: 'metadata' });
      expect(await resolveAndCheck('1.1.1.1', 'production', lookup)).to.deep.equal({ address: '1.1.1.1', family: 4 });
      expect(lookup.calls).to.equal(0);
    });

    it('reports DNS failures with errorClass dns and the resolver code', async () => {
      const failing: LookupAll = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
      };
      const error = await expectRejection(resolveAndCheck('nowhere.invalid', 'production', failing));
      expect(error).to.be.instanceOf(BlockedAddressError);
      expect(error).to.include({ errorClass: 'dns', code: 'ENOTFOUND' });
      const empty = await expectRejection(resolveAndCheck('empty.example', 'development', fixedLookup()));
      expect(empty).to.include({ errorClass: 'dns' });
    });

    it('uses the system resolver by default', async () => {
      expect(await resolveAndCheck('localhost', 'development'))
        .to.have.property('address')
        .that.matches(/^(127\.|::1$)/);
    });
  });

  describe('createUrlGuard', () => {
    it('resolves in production and reports refusals and DNS failures as reasons', async () => {
      const failing: LookupAll = async () => {
        throw Object.assign(new Error('queryA EAI_AGAIN'), { code: 'EAI_AGAIN' });
      };
      expect(await createUrlGuard('production', fixedLookup('8.8.8.8')).check('https://hooks.example.com/')).to.deep.equal({ ok: true });
      expect(await createUrlGuard('production', fixedLookup('8.8.8.8', '127.0.0.1')).check('https://rebind.example/')).to.deep.equal({
        ok: false,
        reason: 'must not point at a loopback address (rebind.example)',
      });
      expect(await createUrlGuard('production', failing).check('https://flaky.example/')).to.deep.equal({
        ok: false,
        reason: 'has a host that could not be resolved: flaky.example (EAI_AGAIN)',
      });
      expect(await createUrlGuard('production', failing).check('http://flaky.example/')).to.deep.equal({
        ok: false,
        reason: 'must use https in production',
      });
      expect(await createUrlGuard('development', failing).check('http://flaky.example/')).to.deep.equal({ ok: true });
    });
  });

  describe('guardedLookup', () => {
    it('hands back only the checked address, in both callback shapes', async () => {
      const lookup = guardedLookup('production', fixedLookup('8.8.8.8', '2606:4700:4700::1111'));
      const single = await new Promise<unknown[]>((resolve) => lookup('two.example', {}, (...args) => resolve(args)));
      expect(single).to.deep.equal([null, '8.8.8.8', 4]);
      const all = await new Promise<unknown[]>((resolve) => lookup('two.example', { all: true }, (...args) => resolve(args)));
      expect(all).to.deep.equal([null, [{ address: '8.8.8.8', family: 4 }]]);
    });

    it('resolves once per connection, so a rebinding answer is checked rather than used unchecked', async () => {
      let calls = 0;
      const rebinding: LookupAll = async () => {
        calls += 1;
        return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      };
      const lookup = guardedLookup('production', rebinding);
      const first = await new Promise<unknown[]>((resolve) => lookup('rebind.example', { all: true }, (...args) => resolve(args)));
      expect(first).to.deep.equal([null, [{ address: '93.184.216.34', family: 4 }]]);
      expect(calls).to.equal(1);
      const [second] = await new Promise<unknown[]>((resolve) => lookup('rebind.example', { all: true }, (...args) => resolve(args)));
      expect(second).to.be.instanceOf(BlockedAddressError).that.includes({ errorClass: 'ssrf_blocked', address: '127.0.0.1' });
      expect(calls).to.equal(2);
    });
  });

  describe('over a real socket', () => {
    let server: Server;
    let port: number;
    let seen: string[];
    const agents: Agent[] = [];

    before(async () => {
      seen = [];
      server = createServer((req, res) => {
        seen.push(`${req.method} ${req.headers.host} ${req.url}`);
        res.end('hello');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    beforeEach(() => {
      seen = [];
    });
    afterEach(async () => {
      await Promise.all(agents.splice(0).map((agent) => agent.close()));
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    function agentFor(env: DeliveryEnv, lookup: LookupAll): Agent {
      const agent = new Agent({ connect: { lookup: guardedLookup(env, lookup) } });
      agents.push(agent);
      return agent;
    }

    it('refuses to connect in production when the name resolves to loopback; the server sees nothing', async () => {
      const lookup = fixedLookup('127.0.0.1');
      const error = await expectRejection(request(`http://example.test:${port}/hook`, { dispatcher: agentFor('production', lookup) }));
      expect(blockedCause(error), String(error)).to.include({ errorClass: 'ssrf_blocked', code: 'ESSRFBLOCKED' });
      expect(lookup.calls).to.be.greaterThan(0);
      expect(seen).to.deep.equal([]);
    });

    it('refuses a mix of public and loopback answers without connecting to either', async () => {
      const error = await expectRejection(
        request(`http://example.test:${port}/hook`, { dispatcher: agentFor('production', fixedLookup('93.184.216.34', '127.0.0.1')) }),
      );
      expect(blockedCause(error)).to.include({ address: '127.0.0.1', range: 'loopback' });
      expect(seen).to.deep.equal([]);
    });

    it('connects to the looked-up address outside production, proving the socket uses this lookup', async () => {
      const lookup = fixedLookup('127.0.0.1');
      const response = await request(`http://example.test:${port}/hook`, { dispatcher: agentFor('development', lookup) });
      expect(response.statusCode).to.equal(200);
      expect(await response.body.text()).to.equal('hello');
      expect(seen).to.deep.equal([`GET example.test:${port} /hook`]);
      expect(lookup.calls).to.equal(1);
    });

    it('pins the socket to the address the check returned, not a later answer', async () => {
      // Only the first answer reaches the server; any second resolution would send the socket to
      // an unroutable documentation address and the request would fail.
      let calls = 0;
      const rebinding: LookupAll = async () => {
        calls += 1;
        return [{ address: calls === 1 ? '127.0.0.1' : '192.0.2.1', family: 4 }];
      };
      const response = await request(`http://rebind.test:${port}/pinned`, { dispatcher: agentFor('development', rebinding) });
      expect(response.statusCode).to.equal(200);
      await response.body.text();
      expect(seen).to.deep.equal([`GET rebind.test:${port} /pinned`]);
      expect(calls).to.equal(1);
    });

    it('is never asked about IP-literal hosts, which is why the sender must call checkLiteralHost', async () => {
      const lookup = fixedLookup('8.8.8.8');
      const url = new URL(`http://127.0.0.1:${port}/literal`);
      expect(() => checkLiteralHost(url.hostname, 'production')).to.throw(BlockedAddressError);
      const response = await request(url, { dispatcher: agentFor('production', lookup) });
      await response.body.text();
      expect(lookup.calls).to.equal(0);
      expect(seen).to.have.length(1);
    });
  });
});
