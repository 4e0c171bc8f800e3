import type { ScanResult } from './result.js';
import { complianceJunit } from './compliance.js';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML for GitLab and Jenkins: one test suite per rule evaluated; each finding is a
 * failing test case named by host, file and line; a rule without findings passes.
 */
export function formatJunit(result: ScanResult): string {
  const suites = result.rules.map((rule) => {
    const findings = result.findings.filter((f) => f.ruleId === rule.id);
    const cases = findings.length
      ? findings.map((f) => {
          const place = `${f.at.file}${f.at.line ? `:${f.at.line}` : ''}`;
          return `    <testcase classname="${escape(rule.id)}" name="${escape(`${f.at.host}: ${place}`)}" file="${escape(f.at.file)}">\n      <failure type="${f.level}" message="${escape(f.message)}">${escape(`${f.level}: ${f.message}\n${place}`)}</failure>\n    </testcase>`;
        })
      : [`    <testcase classname="${escape(rule.id)}" name="${escape(rule.title)}"/>`];
    return `  <testsuite name="${escape(rule.id)}" tests="${Math.max(findings.length, 1)}" failures="${findings.length}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  // With --benchmark: a test case per control and host, after the rules' suites.
  const compliance = result.compliance ? complianceJunit(result.compliance) : { suites: [], tests: 0, failures: 0 };
  const failures = result.findings.length + compliance.failures;
  const tests = result.rules.reduce((n, rule) => n + Math.max(result.findings.filter((f) => f.ruleId === rule.id).length, 1), 0) + compliance.tests;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kaudit" tests="${tests}" failures="${failures}" errors="0">\n${[...suites, ...compliance.suites].join('\n')}\n</testsuites>\n`;
}
