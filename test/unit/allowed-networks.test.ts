import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { validateConfig } from '../../src/config/load.js';
import { createUrlGuard, type LookupAll, parseNetworks } from '../../src/delivery/address-guard.js';
import { HttpSender } from '../../src/delivery/http-sender.js';

const LAN = parseNetworks(['10.20.0.0/16', 'fd12:3456::/48']);
const answers =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('delivery.allowedNetworks', () => {
  it('takes networks in CIDR notation and refuses anything else, naming the entry', () => {
    expect(validateConfig({ delivery: { allowedNetworks: ['10.20.0.0/16'] } }).delivery.allowedNetworks).to.deep.equal(['10.20.0.0/16']);
    expect(validateConfig({}).delivery.allowedNetworks).to.deep.equal([]);
    expect(() => validateConfig({ delivery: { allowedNetworks: ['10.20.0.1'] } })).to.throw(
      /delivery\.allowedNetworks\.0 is not a network in CIDR/,
    );
    expect(() => validateConfig({ delivery: { allowedNetworks: ['10.20.0.0/16', 'lan'] } })).to.throw(/delivery\.allowedNetworks\.1/);
    expect(() => validateConfig({ delivery: { allowedNetworks: ['0.0.0.0/0'] } })).to.throw(/would allow every address/);
    expect(() => validateConfig({ delivery: { allowedNetworks: '10.20.0.0/16' } })).to.throw(/delivery\.allowedNetworks/);
  });

  it('lets production reach addresses inside the networks, and nothing private outside them', async () => {
    const guard = createUrlGuard('production', answers('8.8.8.8'), LAN);
    expect(await guard.check('https://10.20.3.4/hook')).to.deep.equal({ ok: true });
    expect(await guard.check('https://[::ffff:10.20.3.4]/hook')).to.deep.equal({ ok: true });
    expect(await guard.check('https://[fd12:3456::9]/hook')).to.deep.equal({ ok: true });
    expect(await guard.check('https://hooks.example.com/')).to.deep.equal({ ok: true });
    expect(await guard.check('https://10.21.0.1/hook')).to.deep.equal({
      ok: false,
      reason: 'must not point at a private address (10.21.0.1)',
    });
    expect((await guard.check('https://127.0.0.1/hook')).ok).to.equal(false);
    expect((await guard.check('https://192.168.1.1/hook')).ok).to.equal(false);
    // Still https only in production.
    expect((await guard.check('http://10.20.3.4/hook')).ok).to.equal(false);
    // Without the setting, the same LAN address is refused as before.
    expect((await createUrlGuard('production', answers('8.8.8.8')).check('https://10.20.3.4/hook')).ok).to.equal(false);
  });

  it('still refuses metadata addresses, even inside an allowed network', async () => {
    const wide = parseNetworks(['169.254.0.0/16', '100.100.0.0/16', 'fd00:ec2::/32']);
    const guard = createUrlGuard('production', answers('169.254.169.254'), wide);
    expect(await guard.check('https://169.254.10.10/')).to.deep.equal({ ok: true });
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://100.100.100.200/',
      'https://[fd00:ec2::254]/',
      'https://[::ffff:169.254.169.254]/',
    ]) {
      const verdict = await guard.check(url);
      expect(verdict.ok, url).to.equal(false);
      expect(JSON.stringify(verdict), url).to.include('metadata');
    }
    expect((await guard.check('https://metadata.google.internal/')).ok).to.equal(false);
    expect((await guard.check('https://sneaky.example.com/')).ok).to.equal(false);
  });

  it('is never widened by a DNS answer: a name passes only when every address it resolves to is allowed', async () => {
    const inside = createUrlGuard('production', answers('10.20.0.5', '10.20.9.9'), LAN);
    expect(await inside.check('https://crm-hooks.corp.example/')).to.deep.equal({ ok: true });
    expect(await inside.check('https://crm-hooks.internal/')).to.deep.equal({ ok: true });
    const straddling = createUrlGuard('production', answers('10.20.0.5', '10.99.0.1'), LAN);
    expect(await straddling.check('https://crm-hooks.corp.example/')).to.deep.equal({
      ok: false,
      reason: 'must not point at a private address (crm-hooks.corp.example)',
    });
    expect((await createUrlGuard('production', answers('127.0.0.1'), LAN).check('https://crm-hooks.internal/')).ok).to.equal(false);
    expect((await createUrlGuard('production', answers('10.20.0.5'), LAN).check('https://localhost/')).ok).to.equal(false);
    // Without the setting, LAN names stay refused by name.
    expect((await createUrlGuard('production', answers('10.20.0.5')).check('https://crm-hooks.internal/')).ok).to.equal(false);
  });

  describe('over a real socket', () => {
    let server: Server;
    let port: number;
    let connections = 0;
    const open = new Set<Socket>();

    before(async () => {
      // Not a TLS server: a connection that arrives is what is counted; the handshake then fails.
      server = createServer((socket) => {
        connections += 1;
        open.add(socket);
        socket.on('close', () => open.delete(socket));
        socket.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => {
      open.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const send = async (url: string, allowed: string[], lookup?: LookupAll) => {
      const sender = new HttpSender({
        env: 'production',
        timeoutMs: 5000,
        connectTimeoutMs: 5000,
        allowedNetworks: parseNetworks(allowed),
        ...(lookup ? { lookup } : {}),
      });
      try {
        return await sender.send({ url, headers: {}, body: '{}' });
      } finally {
        await sender.destroy();
      }
    };

    it('connects to an allowed network in production, and refuses before connecting without it', async () => {
      const refused = await send(`https://127.0.0.1:${port}/hook`, []);
      expect(refused.errorClass).to.equal('ssrf_blocked');
      expect(connections).to.equal(0);
      const allowed = await send(`https://127.0.0.1:${port}/hook`, ['127.0.0.0/8']);
      expect(allowed.errorClass).to.not.equal('ssrf_blocked');
      expect(connections).to.equal(1);
      // By name: the address the name resolves to is checked and is the one connected to.
      const named = await send(`https://hooks.internal:${port}/hook`, ['127.0.0.0/8'], answers('127.0.0.1'));
      expect(named.errorClass).to.not.equal('ssrf_blocked');
      expect(connections).to.equal(2);
      const widened = await send(`https://hooks.internal:${port}/hook`, ['127.0.0.0/8'], answers('127.0.0.1', '10.0.0.1'));
      expect(widened.errorClass).to.equal('ssrf_blocked');
      expect(connections).to.equal(2);
    });
  });
});
