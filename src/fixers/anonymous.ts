/**
 * Anonymous auth turned off (CIS 1.2.1, 4.2.1) without breaking what relied on it:
 * - an apiserver static pod's httpGet probes (kubeadm's /livez, /readyz) get 401 without
 *   anonymous access and the kubelet would restart the apiserver forever: they become
 *   tcpSocket probes on the same port;
 * - an apiserver whose AuthenticationConfiguration has an `anonymous` section refuses to
 *   start with --anonymous-auth as well ("--anonymous-auth flag cannot be set when anonymous
 *   field is configured in authentication configuration file", kubernetes
 *   pkg/kubeapiserver/options/authentication.go): the change is planned in that file;
 * - what else stops working is said in the dry run: kubeadm join's discovery reads the
 *   cluster-info ConfigMap in kube-public anonymously (kubernetes/kubeadm#1105), and load
 *   balancers' health checks call /healthz, /livez or /readyz without credentials.
 */
import type { ChangeSet } from './changeset.js';
import { lineRange, lineStarts } from './text.js';
import { changedBy, writeSetting } from './setting-writer.js';
import { yamlValueRange } from './yaml-edit.js';
import { asRecord } from '../collectors/yaml-source.js';
import { setting } from '../model/cluster.js';
import type { Component } from '../model/types.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

const APISERVER_ANONYMOUS_EFFECTS = [
  'anonymous requests get 401: kubeadm join with a bootstrap token cannot read the cluster-info ConfigMap in kube-public (join nodes with --discovery-file, or keep anonymous access limited to the health endpoints with an AuthenticationConfiguration, 1.32+)',
  'load balancers and monitors that call /healthz, /livez or /readyz without credentials see 401: check them over TCP, or with a client certificate',
];
const PROBES_EFFECT = 'the static pod\'s httpGet probes would get 401 without anonymous access: they become tcpSocket probes on the same port';
const KUBELET_ANONYMOUS_EFFECT = 'calls to the kubelet API (10250) without credentials get 401: monitoring that scrapes it anonymously must authenticate';

/** kubeadm's httpGet probes on /livez and /readyz need anonymous access: they become tcpSocket probes. */
function probesWithoutAnonymous(cs: ChangeSet, apiserver: Component, ruleId: string): boolean {
  if (apiserver.source !== 'static-pod') return false;
  const ref = cs.refAt(apiserver.definedAt);
  const text = cs.text(ref);
  if (text === undefined) return false;
  let changed = false;
  for (const probe of PROBES) {
    const range = yamlValueRange(text, ['spec', 'containers', 0, probe, 'httpGet']);
    if (!range) continue;
    const starts = lineStarts(text);
    const keyLine = text.slice(0, range.start).split('\n').length - 1; // the `httpGet:` line
    const lastLine = text.slice(0, range.end - 1).split('\n').length;
    const keyRange = lineRange(text, keyLine, starts);
    const block = text.slice(keyRange.start, lineRange(text, lastLine, starts).end);
    if (/Authorization/i.test(block)) continue; // a probe that sends credentials keeps working
    const indent = /^\s*/.exec(block)![0];
    const port = /\n\s*port:\s*(\S+)/.exec(block)?.[1] ?? '6443';
    const host = /\n\s*host:\s*(\S+)/.exec(block)?.[1];
    const replacement = [`${indent}tcpSocket:`, ...(host ? [`${indent}  host: ${host}`] : []), `${indent}  port: ${port}`].join('\n');
    changed = cs.edit(ref, { start: keyRange.start, end: lineRange(text, lastLine, starts).end, text: replacement }, ruleId) || changed;
  }
  if (changed) cs.sideEffect(ref, PROBES_EFFECT);
  return changed;
}

/** Whether the apiserver's AuthenticationConfiguration configures anonymous access (then the flag may not be set); undefined when it cannot be read. */
function configSetsAnonymous(cs: ChangeSet, apiserver: Component): boolean | undefined {
  const ref = cs.cluster.referenceOf(apiserver, 'authentication-config');
  const config = ref && cs.cluster.manifests.find((m) => m.host === ref.host && m.hostPath === ref.hostPath && m.kind === 'AuthenticationConfiguration');
  if (!config) return undefined;
  return asRecord(config.data)?.anonymous !== undefined;
}

/** Sets --anonymous-auth=false (kubelet: where its setting lives), with what the apiserver needs to keep running. */
export function anonymousAuthOff(cs: ChangeSet, component: Component, ruleId: string): void {
  if (component.kind === 'kube-apiserver' && setting(component, 'authentication-config')) {
    const inConfig = configSetsAnonymous(cs, component);
    if (inConfig !== false) {
      const file = setting(component, 'authentication-config')!.value;
      const why = inConfig ? 'its anonymous section and --anonymous-auth are mutually exclusive' : 'it cannot be read here, and an anonymous section in it would refuse --anonymous-auth';
      cs.addPlan({
        title: `Turn anonymous access off in the AuthenticationConfiguration ${file} of kube-apiserver on ${component.host} (${why}): anonymous.enabled: false, or limit it to the health endpoints`,
        commands: ['# anonymous: {enabled: true, conditions: [{path: /livez}, {path: /readyz}, {path: /healthz}]}'],
      }, ruleId);
      return;
    }
  }
  const refs = changedBy(cs, () => {
    if (!writeSetting(cs, component, 'anonymous-auth', 'false', ruleId)) {
      cs.addPlan({ title: `Start ${component.kind} on ${component.host} with --anonymous-auth=false`, commands: [`# ${component.kind} runs from ${component.definedAt.file}`] }, ruleId);
    }
  });
  if (component.kind === 'kube-apiserver') {
    probesWithoutAnonymous(cs, component, ruleId);
    for (const ref of refs) for (const effect of APISERVER_ANONYMOUS_EFFECTS) cs.sideEffect(ref, effect);
  } else {
    for (const ref of refs) cs.sideEffect(ref, KUBELET_ANONYMOUS_EFFECT);
  }
}
