/**
 * Live etcd: the member list, each member's health, version and leader through etcd's
 * JSON gateway (/v3/...), and the certificate each endpoint serves. Every member's client
 * URLs are asked, not only the endpoints given, so a member that does not answer is known
 * by name. Reachability is recorded, never judged: the rules do that.
 */
import https from 'node:https';
import http from 'node:http';
import { servedCertificate } from './tls-peer.js';
import { readCertificate } from './pem.js';
import type { Cluster } from '../model/cluster.js';
import { ReadRefused, readUserFile } from '../io/read.js';
import type { Component, LiveEtcdEndpoint, LiveEtcdMember, LiveEtcdSecret, SourceLocation } from '../model/types.js';

export interface EtcdSourceOptions {
  endpoints: string[];
  cacert?: string;
  cert?: string;
  key?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  /** Keys per keys-only page and values per page under /registry/secrets/ (defaults: 500 and 8). */
  secretPages?: { keys: number; values: number };
}

interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Where a live finding points: the endpoint's URL (SARIF gets it as an absolute URI). */
export function liveAt(host: string, url: string): SourceLocation {
  return { host, root: -1, file: url, line: 1 };
}

function request(url: string, method: 'GET' | 'POST', files: TlsFiles, timeoutMs: number, json: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = method === 'POST' ? JSON.stringify(json) : undefined;
    const options: https.RequestOptions = {
      method,
      timeout: timeoutMs,
      headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      ...(target.protocol === 'https:' ? { ca: files.ca, cert: files.cert, key: files.key } : {}),
    };
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) return reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error('answer is not JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : e.message;
}

async function probe(url: string, files: TlsFiles, timeoutMs: number): Promise<Omit<LiveEtcdEndpoint, 'at'>> {
  try {
    const health = (await request(`${url}/health`, 'GET', files, timeoutMs)) as { health?: string | boolean };
    const version = (await request(`${url}/version`, 'GET', files, timeoutMs)) as { etcdserver?: string };
    const status = (await request(`${url}/v3/maintenance/status`, 'POST', files, timeoutMs)) as { header?: { member_id?: string }; leader?: string };
    return {
      url,
      reachable: true,
      healthy: health.health === true || health.health === 'true',
      ...(version.etcdserver ? { version: version.etcdserver } : {}),
      ...(status.header?.member_id ? { memberId: status.header.member_id } : {}),
      ...(status.leader ? { leader: status.leader } : {}),
    };
  } catch (error) {
    return { url, reachable: false, error: reason(error) };
  }
}

function readFiles(options: EtcdSourceOptions, cluster: Cluster): TlsFiles | undefined {
  const files: TlsFiles = {};
  for (const [name, file] of [['ca', options.cacert], ['cert', options.cert], ['key', options.key]] as const) {
    if (!file) continue;
    try {
      files[name] = readUserFile(file);
    } catch (error) {
      const why = error instanceof ReadRefused && !error.code ? error.message : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      cluster.diagnostics.push({ level: 'error', message: `--etcd-${name === 'ca' ? 'cacert' : name} ${file} ${why}` });
      return undefined;
    }
  }
  return files;
}

/** A member as an etcd component: only what the live cluster tells (its flags are not known). */
function memberComponent(member: LiveEtcdMember, all: LiveEtcdMember[], at: SourceLocation): Component {
  const setting = (name: string, value: string) => ({ name, value, origin: 'flag' as const, at });
  return {
    kind: 'etcd',
    host: member.name,
    source: 'live',
    definedAt: at,
    binary: 'etcd',
    settings: [
      setting('name', member.name),
      setting('initial-cluster', all.flatMap((m) => m.peerUrls.map((u) => `${m.name}=${u}`)).join(',')),
      setting('initial-advertise-peer-urls', member.peerUrls.join(',')),
      ...(member.clientUrls.length ? [setting('advertise-client-urls', member.clientUrls.join(','))] : []),
      setting('initial-cluster-state', 'existing'),
    ],
    mounts: [],
  };
}

const SECRETS_PREFIX = '/registry/secrets/';
/** Keys per keys-only page, and values per page: a Secret may be 1 MiB, so values come a few at a time. */
const KEY_PAGE = 500;
const VALUE_PAGE = 8;
/** What is kept of a value: enough for `k8s:enc:<provider>:v1:<key name>:`, never more. */
const PREFIX_BASE64_CHARS = 128;

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The key just after `key`: a range that starts there skips `key` itself. */
function after(key: string): string {
  return `${key}\u0000`;
}

/** `aescbc:v1:key1` for an encrypted value, undefined for plaintext; from the first bytes only. */
export function encryptionPrefix(valueBase64: string): string | undefined {
  const head = Buffer.from(valueBase64.slice(0, PREFIX_BASE64_CHARS), 'base64').toString('latin1');
  if (!head.startsWith('k8s:enc:')) return undefined;
  const match = /^k8s:enc:([a-z0-9]+):(v\d+):([A-Za-z0-9._-]{0,64})(:|$)/.exec(head);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : head.slice(8).split(':')[0] || 'unknown';
}

type RangeAnswer = { header?: { revision?: string }; kvs?: Array<{ key?: string; value?: string }>; more?: boolean };

/**
 * Which Secrets under /registry/secrets/ are stored encrypted: the keys in keys-only pages,
 * then the values a few at a time at one revision, each cut to its first bytes at once
 * (etcd has no partial read). No value beyond its `k8s:enc:` prefix is kept.
 */
async function readSecretPrefixes(endpoint: string, files: TlsFiles, timeoutMs: number, pages = { keys: KEY_PAGE, values: VALUE_PAGE }): Promise<LiveEtcdSecret[]> {
  const range = (body: object) => request(`${endpoint}/v3/kv/range`, 'POST', files, timeoutMs, body) as Promise<RangeAnswer>;
  const end = b64(SECRETS_PREFIX.slice(0, -1) + String.fromCharCode(SECRETS_PREFIX.charCodeAt(SECRETS_PREFIX.length - 1) + 1));
  const keys: string[] = [];
  let revision: string | undefined;
  let from = SECRETS_PREFIX;
  for (;;) {
    const page = await range({ key: b64(from), range_end: end, keys_only: true, limit: pages.keys, ...(revision ? { revision } : {}) });
    revision ??= page.header?.revision;
    const batch = (page.kvs ?? []).map((kv) => Buffer.from(kv.key ?? '', 'base64').toString('utf8'));
    keys.push(...batch);
    if (!page.more || batch.length === 0) break;
    from = after(batch[batch.length - 1]);
  }
  const secrets: LiveEtcdSecret[] = [];
  for (let i = 0; i < keys.length; i += pages.values) {
    const last = keys[Math.min(i + pages.values, keys.length) - 1];
    const page = await range({ key: b64(keys[i]), range_end: b64(after(last)), limit: pages.values, ...(revision ? { revision } : {}) });
    for (const kv of page.kvs ?? []) {
      const key = Buffer.from(kv.key ?? '', 'base64').toString('utf8');
      const encryptedWith = encryptionPrefix(kv.value ?? '');
      secrets.push({ key, ...(encryptedWith ? { encryptedWith } : {}), at: liveAt('etcd', `${endpoint}${key}`) });
    }
  }
  return secrets;
}

/** Reads a live etcd cluster into the model. */
export async function collectLiveEtcd(cluster: Cluster, options: EtcdSourceOptions): Promise<void> {
  const files = readFiles(options, cluster);
  if (!files) return;
  const timeoutMs = options.timeoutMs ?? 5000;
  const at = liveAt('etcd', options.endpoints[0]);
  let members: LiveEtcdMember[] = [];
  let listError: string | undefined;
  for (const endpoint of options.endpoints) {
    try {
      const answer = (await request(`${endpoint}/v3/cluster/member/list`, 'POST', files, timeoutMs)) as { members?: Array<{ ID?: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }> };
      members = (answer.members ?? []).map((m) => ({ id: String(m.ID ?? ''), name: m.name ?? '', peerUrls: m.peerURLs ?? [], clientUrls: m.clientURLs ?? [] }));
      break;
    } catch (error) {
      listError = reason(error);
    }
  }
  // Every member's own client URLs are asked too: one that does not answer is known by name.
  const urls = [...new Set([...options.endpoints, ...members.flatMap((m) => m.clientUrls)])];
  const endpoints: LiveEtcdEndpoint[] = await Promise.all(
    urls.map(async (url) => {
      const member = members.find((m) => m.clientUrls.includes(url));
      return { ...(await probe(url, files, timeoutMs)), at: liveAt(member?.name ?? 'etcd', url) };
    }),
  );
  cluster.liveEtcd = { endpoints, members, at, ...(members.length === 0 && listError ? { error: listError } : {}) };
  for (const member of members) {
    const memberAt = liveAt(member.name, member.clientUrls[0] ?? member.peerUrls[0] ?? at.file);
    cluster.components.push(memberComponent(member, members, memberAt));
  }
  const reachable = endpoints.find((e) => e.reachable && e.healthy);
  if (reachable) {
    try {
      cluster.liveEtcd.secrets = await readSecretPrefixes(reachable.url, files, timeoutMs, options.secretPages);
    } catch (error) {
      const status = (error as { status?: number }).status;
      cluster.addUnknown({
        what: 'how the Secrets under /registry/secrets/ are stored in etcd',
        why: status === 401 || status === 403 ? `etcd refused to read them (HTTP ${status}): its authentication allows the client certificate no read of /registry/secrets/` : `reading them failed (${reason(error)})`,
        supply: status === 401 || status === 403 ? 'an etcd user or client certificate with read access to /registry/secrets/ (the apiserver-etcd-client certificate has it)' : 'etcd answering range requests',
        at: reachable.at,
        affects: ['encryption/stale-plaintext'],
      });
    }
  }
  for (const endpoint of endpoints.filter((e) => e.reachable)) {
    const der = await servedCertificate(endpoint.url, files, timeoutMs, 2379);
    if (!der) continue;
    try {
      cluster.certificates.push(readCertificate(der, endpoint.at, endpoint.url, 0));
    } catch {
      cluster.diagnostics.push({ level: 'warning', at: endpoint.at, message: 'served certificate cannot be parsed' });
    }
  }
}
