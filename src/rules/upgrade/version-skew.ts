import { defineRule, type Report } from '../rule.js';
import { related } from '../lib/pki.js';
import { minorsBetween, parseVersion, type Version } from '../lib/versions.js';
import type { Component } from '../../model/types.js';

interface Versioned {
  component: Component;
  version: Version;
}

function versioned(components: Component[]): Versioned[] {
  return components.flatMap((component) => {
    const version = parseVersion(component.version);
    return version ? [{ component, version }] : [];
  });
}

function at(v: Versioned) {
  return v.component.versionAt ?? v.component.definedAt;
}

function name(v: Versioned): string {
  return `${v.component.kind} ${v.version.text} on ${v.component.host}`;
}

/** kubelet and kube-proxy may be this many minors older than the apiserver: 3 from 1.28, 2 before. */
function nodeSkew(apiserver: Version): number {
  return apiserver.major === 1 && apiserver.minor < 28 ? 2 : 3;
}

export default defineRule({
  id: 'upgrade/version-skew',
  level: 'error',
  title: 'Component versions break the version-skew policy',
  description: 'Components outside the supported skew talk to APIs they do not know: upgrades must go apiservers first, then controllers, then kubelets, one minor at a time.',
  fix: 'plan',
  tags: ['upgrade'],
  check(cluster, context, report) {
    const apiservers = versioned(cluster.componentsOf('kube-apiserver'));
    if (apiservers.length === 0) return;
    const oldest = apiservers.reduce((a, b) => (minorsBetween(b.version, a.version) > 0 ? b : a));
    const newest = apiservers.reduce((a, b) => (minorsBetween(a.version, b.version) > 0 ? b : a));
    const emit = (subject: Versioned, reference: Versioned, why: string, r: (x: Report) => void) =>
      r({
        message: `${name(subject)} ${why} ${name(reference)}`,
        at: at(subject),
        related: [related(at(reference), name(reference))],
        key: `${subject.component.kind}:${why}`,
        fix: { kind: 'plan', steps: [{ title: 'Upgrade in the supported order, one minor version at a time: every kube-apiserver, then controller-managers and schedulers, then kubelets and kube-proxy', commands: ['kubeadm upgrade plan', 'kubeadm upgrade apply v<next minor>   # first control plane; kubeadm upgrade node on the others', 'kubeadm upgrade node && systemctl restart kubelet   # then each worker'] }] },
      });

    if (minorsBetween(oldest.version, newest.version) > 1) emit(oldest, newest, 'is more than one minor version older than', report);
    context.each(versioned([...cluster.componentsOf('kube-controller-manager'), ...cluster.componentsOf('kube-scheduler')]), (controller) => {
      if (minorsBetween(oldest.version, controller.version) > 0) emit(controller, oldest, 'is newer than', report);
      else if (minorsBetween(controller.version, newest.version) > 1) emit(controller, newest, 'is more than one minor version older than', report);
    });
    context.each(versioned([...cluster.componentsOf('kubelet'), ...cluster.componentsOf('kube-proxy')]), (node) => {
      const allowed = nodeSkew(oldest.version);
      if (minorsBetween(oldest.version, node.version) > 0) emit(node, oldest, 'is newer than', report);
      else if (minorsBetween(node.version, oldest.version) > allowed) emit(node, oldest, `is more than ${allowed} minor versions older than`, report);
    });
  },
});
