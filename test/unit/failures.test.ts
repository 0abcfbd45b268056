import { describe, expect, it } from 'vitest';
import {
  ACCESS_DENIED,
  classifyDockerFailure,
  DOCKER_UNREACHABLE,
  IMAGE_NOT_FOUND,
  INVALID_REFERENCE,
  REGISTRY_UNREACHABLE,
} from '../../activities/failures.js';

// What dockerode raises for a daemon answer: "(HTTP code N) reason - daemon message".
const daemonError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: null });

describe('classifying Docker failures', () => {
  it('a missing tag is final, worded as the docker CLI words it', () => {
    const failure = classifyDockerFailure(
      daemonError(404, 'manifest for r/x:1 not found: manifest unknown'),
      'error when pulling image r/x:1',
    );
    expect(failure).toMatchObject({ type: IMAGE_NOT_FOUND, nonRetryable: true });
    expect(failure.message).toBe(
      'error when pulling image r/x:1: Error response from daemon: manifest for r/x:1 not found: manifest unknown',
    );
  });

  it('denied access and malformed references are final', () => {
    const denied = daemonError(
      500,
      "pull access denied for x, repository does not exist or may require 'docker login'",
    );
    expect(classifyDockerFailure(denied, 'c')).toMatchObject({ nonRetryable: true });
    expect(classifyDockerFailure(daemonError(401, 'unauthorized: authentication required'), 'c')).toMatchObject({
      type: ACCESS_DENIED,
    });
    expect(classifyDockerFailure(daemonError(400, 'invalid reference format'), 'c')).toMatchObject({
      type: INVALID_REFERENCE,
      nonRetryable: true,
    });
  });

  it('an unreachable registry is retried, even though the daemon answers 500', () => {
    const refused = daemonError(
      500,
      'Get "http://127.0.0.1:5001/v2/": dial tcp 127.0.0.1:5001: connect: connection refused',
    );
    expect(classifyDockerFailure(refused, 'c')).toMatchObject({ type: REGISTRY_UNREACHABLE, nonRetryable: false });
  });

  it('an unreachable daemon is retried', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    expect(classifyDockerFailure(err, 'c')).toMatchObject({ type: DOCKER_UNREACHABLE, nonRetryable: false });
  });

  it('an unknown server error is retried rather than given up on', () => {
    expect(classifyDockerFailure(daemonError(503, 'service unavailable'), 'c')).toMatchObject({ nonRetryable: false });
  });
});
