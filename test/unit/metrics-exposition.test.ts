import { describe, expect, it } from 'vitest';
import { concatExpositions } from '../../worker/metrics-server.js';

// The worker's /metrics joins two expositions; a family may appear only once in the result.
describe('concatExpositions', () => {
  const ours = [
    '# HELP dispatch_worker_builds_total Builds.',
    '# TYPE dispatch_worker_builds_total counter',
    'dispatch_worker_builds_total{outcome="succeeded"} 1',
    '# HELP process_cpu_seconds_total CPU.',
    '# TYPE process_cpu_seconds_total counter',
    'process_cpu_seconds_total 2',
    '',
  ].join('\n');

  it('appends the SDK text after ours, ending with one newline', () => {
    const sdk = '# HELP temporal_num_pollers Pollers.\n# TYPE temporal_num_pollers gauge\ntemporal_num_pollers 8';
    expect(concatExpositions(ours, sdk, ['dispatch_worker_builds_total', 'process_cpu_seconds_total'])).toBe(
      `${ours}${sdk}\n`,
    );
  });

  it('leaves out of the SDK part any family that ours has, histograms included', () => {
    const sdk = [
      '# HELP process_cpu_seconds_total CPU again.',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 3',
      '# HELP dispatch_worker_build_duration_seconds Again.',
      '# TYPE dispatch_worker_build_duration_seconds histogram',
      'dispatch_worker_build_duration_seconds_bucket{le="+Inf"} 1',
      'dispatch_worker_build_duration_seconds_sum 1',
      'dispatch_worker_build_duration_seconds_count 1',
      '# TYPE temporal_request_total counter',
      'temporal_request_total{operation="Poll"} 4',
      '',
    ].join('\n');
    const joined = concatExpositions(ours, sdk, [
      'dispatch_worker_builds_total',
      'process_cpu_seconds_total',
      'dispatch_worker_build_duration_seconds',
    ]);
    expect(joined).toBe(`${ours}# TYPE temporal_request_total counter\ntemporal_request_total{operation="Poll"} 4\n`);
  });

  it('answers ours alone when the SDK part is empty', () => {
    expect(concatExpositions(ours, '', [])).toBe(ours);
    expect(concatExpositions('a 1', '', [])).toBe('a 1\n');
  });
});
