/**
 * pki/shared-ca: etcd gets a CA of its own. The new CA goes to etcd's CA paths (a path the
 * apiserver's --client-ca-file also uses gets a new file beside it instead, so the cluster
 * CA stays byte-identical); etcd's server and peer certificates and the apiservers' etcd
 * client certificates are re-issued under it; the CA flags are repointed where paths change.
 */
import { KeyObject } from 'node:crypto';
import path from 'node:path/posix';
import type { ChangeSet } from './changeset.js';
import { reissue } from './certs.js';
import { setFlag } from './flags.js';
import { readCertificate } from '../collectors/pem.js';
import { generateKeyPair, issueCertificate, privateKeyPem, type KeyPair, type KeySpec } from '../pki/issue.js';
import { setting } from '../model/cluster.js';
import type { Certificate, Component } from '../model/types.js';

const DAY = 86_400_000;

interface NewCa {
  pem: string;
  keyPem: string;
  cert: Certificate;
  pair: KeyPair;
}

function specLike(ca: Certificate | undefined): KeySpec {
  if (ca?.publicKey.algorithm === 'ec') return { algorithm: 'ec', curve: ca.publicKey.curve === 'secp384r1' ? 'P-384' : 'P-256' };
  if (ca?.publicKey.algorithm === 'ed25519') return { algorithm: 'ed25519' };
  return { algorithm: 'rsa', bits: Math.max(2048, ca?.publicKey.bits ?? 2048) };
}

async function createCa(like: Certificate | undefined, now: Date): Promise<NewCa> {
  const pair = await generateKeyPair(specLike(like));
  const start = Math.min(Date.now(), now.getTime()) - 5 * 60_000;
  const { pem, certificate } = await issueCertificate({
    subject: { commonName: 'etcd-ca' },
    key: pair,
    notBefore: new Date(start),
    notAfter: new Date(Math.max(Date.now(), now.getTime()) + 3650 * DAY),
    isCA: true,
  });
  const der = Buffer.from(certificate.rawData);
  const cert = readCertificate(der, { host: '', root: 0, file: '(new etcd CA)' }, '(new etcd CA)', 0);
  return { pem, keyPem: privateKeyPem(pair), cert, pair };
}

/** Paths an apiserver on the host uses as its client CA: never overwritten. */
function clusterCaPaths(cs: ChangeSet, host: string): Set<string> {
  return new Set(
    cs.cluster.componentsOf('kube-apiserver')
      .filter((a) => a.host === host)
      .flatMap((a) => ['client-ca-file', 'requestheader-client-ca-file'].map((f) => cs.cluster.referenceOf(a, f)?.hostPath))
      .filter((p): p is string => !!p),
  );
}

function besidePath(hostPath: string, name: string): string {
  return path.join(path.dirname(hostPath), `${name}${path.extname(hostPath) || '.crt'}`);
}

/** Writes the new CA at a CA flag's path (or beside it), repointing the flag when the path changes. */
function placeCa(cs: ChangeSet, component: Component, flag: string, ca: NewCa, ruleId: string): string | undefined {
  const ref = cs.cluster.referenceOf(component, flag);
  const protectedPaths = clusterCaPaths(cs, component.host);
  const current = ref?.hostPath;
  const target = current && !protectedPaths.has(current) ? current : besidePath(current ?? '/etc/etcd/ca.pem', 'etcd-ca');
  cs.create(cs.ref(component.host, target), ca.pem, 0o644, false, ruleId);
  if (target !== current) setFlag(cs, component, flag, target, ruleId);
  return target;
}

/** The flags a file serves for: a file that also serves another purpose cannot be re-signed for etcd alone. */
function otherUses(component: Component, hostPath: string, flags: string[]): string[] {
  return component.settings.filter((s) => !flags.includes(s.name) && path.resolve('/', s.value) === hostPath).map((s) => s.name);
}

export async function newEtcdCa(cs: ChangeSet, ruleId: string, now: Date): Promise<void> {
  const cluster = cs.cluster;
  const members = cluster.componentsOf('etcd');
  if (members.length === 0) return;
  const sharedCa = cluster.certificatesOf(members[0], 'trusted-ca-file')[0];
  const ca = await createCa(sharedCa, now);
  const caKey = KeyObject.from(ca.pair.keys.privateKey);
  const signedWith = { cert: ca.cert, key: caKey };
  let keyWritten = false;

  for (const etcd of members) {
    const caPath = placeCa(cs, etcd, 'trusted-ca-file', ca, ruleId);
    if (setting(etcd, 'peer-trusted-ca-file')) placeCa(cs, etcd, 'peer-trusted-ca-file', ca, ruleId);
    if (!keyWritten && caPath) {
      cs.create(cs.ref(etcd.host, besidePath(caPath, 'etcd-ca-key').replace(/\.crt$/, '.key')), ca.keyPem, 0o600, true, ruleId);
      keyWritten = true;
    }
    const reissued = new Set<string>();
    const served = ['cert-file', 'peer-cert-file'].map((flag) => cluster.certificatesOf(etcd, flag)[0]).filter((c): c is Certificate => !!c);
    // kubeadm's layout also keeps the probe's client certificate beside etcd's own.
    const folders = new Set(served.map((c) => path.dirname(c.hostPath)));
    const healthcheck = cluster.certificates.filter((c) => c.host === etcd.host && folders.has(path.dirname(c.hostPath)) && /healthcheck/.test(c.commonName) && c.issuer === sharedCa?.subject);
    for (const cert of [...served, ...healthcheck]) {
      if (reissued.has(cert.hostPath)) continue;
      reissued.add(cert.hostPath);
      await reissue(cs, { cert, signedWith, why: 'etcd gets a CA of its own' }, ruleId, now);
    }
  }

  for (const apiserver of cluster.componentsOf('kube-apiserver')) {
    placeCa(cs, apiserver, 'etcd-cafile', ca, ruleId);
    const clientRef = cluster.referenceOf(apiserver, 'etcd-certfile');
    const client = cluster.certificatesOf(apiserver, 'etcd-certfile')[0];
    if (!clientRef || !client) continue;
    if (otherUses(apiserver, clientRef.hostPath, ['etcd-certfile']).length === 0) {
      await reissue(cs, { cert: client, signedWith, why: 'etcd gets a CA of its own' }, ruleId, now);
      continue;
    }
    // The file also serves the API (the hard way's kubernetes.pem): the etcd client gets files of its own.
    const pair = await generateKeyPair(specLike(client));
    const start = Math.min(Date.now(), now.getTime()) - 5 * 60_000;
    const issued = await issueCertificate({
      subject: { commonName: 'kube-apiserver-etcd-client' },
      key: pair,
      notBefore: new Date(start),
      notAfter: new Date(Math.min(Math.max(Date.now(), now.getTime()) + 365 * DAY, ca.cert.notAfter.getTime())),
      usages: ['clientAuth'],
      issuer: { certificatePem: ca.pem, key: ca.pair },
    });
    const certPath = besidePath(clientRef.hostPath, 'apiserver-etcd-client');
    const keyPath = certPath.replace(/\.(crt|pem)$/, (ext) => (ext === '.pem' ? '-key.pem' : '.key'));
    cs.create(cs.ref(apiserver.host, certPath), issued.pem, 0o644, false, ruleId);
    cs.create(cs.ref(apiserver.host, keyPath), privateKeyPem(pair), 0o600, true, ruleId);
    setFlag(cs, apiserver, 'etcd-certfile', certPath, ruleId);
    setFlag(cs, apiserver, 'etcd-keyfile', keyPath, ruleId);
  }
  cs.addPlan(
    {
      title: 'Roll the new etcd CA out: restart the etcd members one at a time, then every kube-apiserver (members on the old CA and the new one cannot talk until all have restarted)',
      commands: ['systemctl restart etcd   # or move the etcd static pod manifest out and back, member by member', 'etcdctl endpoint health --cluster   # with the new CA, before the next member'],
    },
    ruleId,
  );
}
