/**
 * Settings of components seen through a live source (a kubelet read through configz, a
 * static pod's mirror): there is no file of theirs in the scan to edit, so the change is a
 * plan step on the node, with the names filled in.
 */
import type { ChangeSet } from './changeset.js';
import type { FixIntent } from './types.js';
import { KUBELET_FIELDS } from '../collectors/config-files.js';
import type { Component } from '../model/types.js';

type SetFlag = Extract<FixIntent, { kind: 'set-flag' }>;

export function planLiveSetting(cs: ChangeSet, intent: SetFlag, ruleId: string): void {
  const { component, flag, value } = intent;
  const field = Object.entries(KUBELET_FIELDS).find(([, name]) => name === flag)?.[0];
  const where =
    component.kind === 'kubelet' && field
      ? `set ${field}: ${value} in the KubeletConfiguration its --config names (or --${flag}=${value} where it is started), then restart the kubelet`
      : component.source === 'static-pod'
        ? `add --${flag}=${value} to /etc/kubernetes/manifests/${component.kind}.yaml (the kubelet restarts it)`
        : `start it with --${flag}=${value}`;
  cs.addPlan({ title: `On ${component.host}, ${component.kind}: ${where} (seen through ${component.definedAt.file}; scan the node itself to have kaudit write it)`, commands: [`# on ${component.host}`] }, ruleId);
}

/** apiserver/no-encryption-at-rest seen through the API: the config is written on the node. */
export function planLiveEncryption(cs: ChangeSet, apiserver: Component, ruleId: string): void {
  cs.addPlan(
    {
      title: `On ${apiserver.host}, kube-apiserver: write an EncryptionConfiguration (aescbc with a fresh 32-byte key first, identity after it; the same file on every apiserver), add --encryption-provider-config and a hostPath mount for it (seen through ${apiserver.definedAt.file}; kaudit fix on a scan of the node writes all of it)`,
      commands: [`# on ${apiserver.host}`, 'head -c 32 /dev/urandom | base64   # the key, into the file, never echoed elsewhere'],
    },
    ruleId,
  );
  cs.addPlan({ title: 'Once every kube-apiserver has restarted with it, re-encrypt the existing Secrets', commands: ['kubectl get secrets --all-namespaces -o json | kubectl replace -f -'] }, ruleId);
}
