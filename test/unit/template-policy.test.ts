import { describe, expect, it } from 'vitest';
import { isServiceBuiltImage } from '../../activities/pull-image.js';
import { templateViolation } from '../../activities/template-policy.js';

describe("a template's Dockerfile", () => {
  it('may build FROM ${BASE_IMAGE}, through stages of its own, and COPY from them', () => {
    const dockerfile = [
      'ARG BASE_IMAGE',
      'FROM ${BASE_IMAGE} AS build',
      'RUN make',
      'FROM $BASE_IMAGE',
      'COPY --from=build /out /app',
      'COPY --from=0 /out /app2',
      'ONBUILD RUN echo later',
    ].join('\n');
    expect(templateViolation(dockerfile)).toBeUndefined();
  });

  it('may not ADD, whatever the spelling: the daemon would fetch outside the build firewall', () => {
    expect(templateViolation('FROM ${BASE_IMAGE}\nadd http://127.0.0.1:1/latest/meta-data /x\n')).toBe(
      'Dockerfile line 2: ADD is refused in a template (the Docker daemon fetches its URLs outside the build firewall); use COPY',
    );
    expect(templateViolation('# escape=`\nFROM ${BASE_IMAGE}\nAD`\nD http://x /y\n')).toMatch(
      /^Dockerfile line 3: ADD/,
    );
    expect(templateViolation('FROM ${BASE_IMAGE}\nONBUILD ADD http://x /y\n')).toMatch(/^Dockerfile line 2: ADD/);
  });

  it('may not build FROM or COPY --from another image, which could be another org’s', () => {
    expect(templateViolation('FROM 127.0.0.1:5000/dispatch/x:1\n')).toMatch(
      /^Dockerfile line 1: FROM 127.0.0.1:5000\/dispatch\/x:1 is refused/,
    );
    expect(templateViolation('FROM ${BASE_IMAGE}\nCOPY --from=registry/other:1 /a /b\n')).toMatch(
      /^Dockerfile line 2: COPY --from=registry\/other:1 is refused/,
    );
    expect(templateViolation('FROM ${BASE_IMAGE}\nCOPY --from=1 /a /b\n')).toMatch(/COPY --from=1 is refused/);
  });
});

describe('images the service built', () => {
  it('are recognised under any registry name, so no base image can name one', () => {
    const id = '0c0a5f52-9d8e-4a7e-9a37-0d4f3c2b1a00';
    expect(isServiceBuiltImage(`127.0.0.1:5000/dispatch/${id}:abc`)).toBe(true);
    expect(isServiceBuiltImage(`localhost:5000/dispatch/${id}@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isServiceBuiltImage(`registry.example/acme/dispatch/${id}:abc`)).toBe(true);
    expect(isServiceBuiltImage('127.0.0.1:5000/dispatch-fixtures/python3-base:bookworm')).toBe(false);
    expect(isServiceBuiltImage(`127.0.0.1:5000/notdispatch/${id}:abc`)).toBe(false);
    expect(isServiceBuiltImage('docker.io/dispatchframework/python3-base:0.0.13')).toBe(false);
  });
});
