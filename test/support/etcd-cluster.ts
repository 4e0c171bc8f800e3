/**
 * A real etcd cluster (Debian's etcd-server) on free loopback ports, with TLS and client
 * certificate authentication, for the live etcd tests. Certificates are issued at test time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PkiFactory } from './pki.js';

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  process?: ChildProcess;
}

export interface EtcdCluster {
  dir: string;
  members: EtcdMember[];
  tls: boolean;
  cacert: string;
  cert: string;
  key: string;
  stop(name: string): Promise<void>;
  close(): Promise<void>;
}

export function etcdAvailable(): boolean {
  return ['/usr/bin/etcd', '/usr/local/bin/etcd'].some((p) => fs.existsSync(p));
}

/**
 * A loopback port nothing listens on, below the kernel's ephemeral range: a port taken from
 * that range (port 0) can be handed to another test's outgoing connection between this
 * check and etcd's bind. Each port is handed out once per test process.
 */
const handedOut = new Set<number>();
function ephemeralLow(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function listensFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const low = 10_000;
  const high = Math.max(low + 1000, ephemeralLow()) - 1;
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await listensFree(port)) return port;
  }
}

function healthy(url: string, ca: Buffer | undefined, cert: Buffer | undefined, key: Buffer | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const client = url.startsWith('https') ? https : http;
    const req = client.get(`${url}/health`, { ca, cert, key, timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(/"health":\s*"?true/.test(body)));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** A member that exited before it was healthy because its port was taken after all: the cluster is started again on other ports. */
class PortTaken extends Error {}

/** Starts `size` members that bootstrap together; resolves when every one is healthy. */
export async function startEtcdCluster(size: number, options: { tls?: boolean } = {}): Promise<EtcdCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(size, options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

async function startOnce(size: number, options: { tls?: boolean }): Promise<EtcdCluster> {
  const tls = options.tls ?? true;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-etcd-'));
  const pki = new PkiFactory();
  const ca = await pki.ca('etcd-ca');
  const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  const server = await pki.leaf(ca, 'etcd-server', { ...names, usages: ['serverAuth', 'clientAuth'] });
  const client = await pki.leaf(ca, 'kaudit-test-client', { usages: ['clientAuth'] });
  const file = (name: string, content: string, mode = 0o600) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content, { mode });
    return p;
  };
  const cacert = file('ca.crt', ca.certPem, 0o644);
  const serverCert = file('server.crt', server.certPem, 0o644);
  const serverKey = file('server.key', server.keyPem);
  const cert = file('client.crt', client.certPem, 0o644);
  const key = file('client.key', client.keyPem);
  const scheme = tls ? 'https' : 'http';
  const members: EtcdMember[] = [];
  for (let i = 1; i <= size; i++) {
    members.push({ name: `member-${i}`, clientUrl: `${scheme}://127.0.0.1:${await freePort()}`, peerUrl: `${scheme}://127.0.0.1:${await freePort()}` });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  for (const member of members) {
    const args = [
      `--name=${member.name}`,
      `--data-dir=${path.join(dir, member.name)}`,
      `--listen-client-urls=${member.clientUrl}`,
      `--advertise-client-urls=${member.clientUrl}`,
      `--listen-peer-urls=${member.peerUrl}`,
      `--initial-advertise-peer-urls=${member.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=kaudit-test-${path.basename(dir)}`,
      '--initial-cluster-state=new',
      ...(tls
        ? [`--cert-file=${serverCert}`, `--key-file=${serverKey}`, `--trusted-ca-file=${cacert}`, '--client-cert-auth=true', `--peer-cert-file=${serverCert}`, `--peer-key-file=${serverKey}`, `--peer-trusted-ca-file=${cacert}`, '--peer-client-cert-auth=true']
        : []),
    ];
    member.process = spawn('etcd', args, { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, `${member.name}.log`), 'a')], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } });
  }
  const caBuf = tls ? fs.readFileSync(cacert) : undefined;
  const certBuf = tls ? fs.readFileSync(cert) : undefined;
  const keyBuf = tls ? fs.readFileSync(key) : undefined;
  const deadline = Date.now() + 30_000;
  const logOf = (member: EtcdMember) => fs.readFileSync(path.join(dir, `${member.name}.log`), 'utf8');
  for (const member of members) {
    while (!(await healthy(member.clientUrl, caBuf, certBuf, keyBuf))) {
      const exited = members.find((m) => m.process?.exitCode !== null && m.process?.exitCode !== undefined);
      if (exited && /address already in use/.test(logOf(exited))) {
        await Promise.all(members.map(stopProcess));
        fs.rmSync(dir, { recursive: true, force: true });
        throw new PortTaken(`etcd ${exited.name}: its port was taken`);
      }
      if (Date.now() > deadline) {
        const log = logOf(member).slice(-2000);
        await Promise.all(members.map(stopProcess));
        throw new Error(`etcd ${member.name} did not become healthy: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    dir,
    members,
    tls,
    cacert,
    cert,
    key,
    stop: (name) => stopProcess(members.find((m) => m.name === name)!),
    close: async () => {
      await Promise.all(members.map(stopProcess));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopProcess(m: EtcdMember): Promise<void> {
  return new Promise<void>((resolve) => {
    const child = m.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
