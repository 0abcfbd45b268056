import { describe, expect, it } from 'vitest';
import { isDockerReference, repositoryOf } from '../../docker-reference.js';

describe('Docker references', () => {
  it.each([
    'python',
    'dispatchframework/python3-base:0.0.7',
    '127.0.0.1:5000/berndtj/my-python-base:0.0.1',
    'registry.example.com/a/b/c:1.2-rc_1',
    `repo@sha256:${'a'.repeat(64)}`,
    `localhost:5000/repo:tag@sha256:${'b'.repeat(64)}`,
  ])('accepts %s', (ref) => expect(isDockerReference(ref)).toBe(true));

  it.each(['', 'Upper/case', 'repo:', 'repo::tag', 'a b', 'repo:tag;rm -rf /', '-leading', `x/${'y'.repeat(600)}`])(
    'refuses %j',
    (ref) => expect(isDockerReference(ref)).toBe(false),
  );

  it.each([
    ['127.0.0.1:5000/a/b:tag', '127.0.0.1:5000/a/b'],
    ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b'],
    [`a/b@sha256:${'c'.repeat(64)}`, 'a/b'],
    ['python:3', 'python'],
  ])('the repository of %s is %s', (ref, repository) => expect(repositoryOf(ref)).toBe(repository));
});
