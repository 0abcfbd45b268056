import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resultLine } from '../../cli/bundle-commands.js';
import { inlineManifests, manifestBaseDir, parseBundleText, serializeBundle } from '../../cli/bundle-file.js';

const bundle = `kind: BaseImage
name: my-python-base
dockerUrl: berndtj/my-python-base:0.0.1
language: python3
---
kind: Image
name: my-pandas
baseImageName: my-python-base
runtimeDependencies:
  manifest: '@requirements.txt'
`;

// Files by absolute path; anything else is missing, with Node's own wording.
const files: Record<string, string> = { '/bundles/requirements.txt': 'pandas==0.23.0\n# a --- inside a manifest\n' };
const read = async (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return content;
};

describe('bundle files', () => {
  it("replaces an Image's '@file' manifest by the file's content, relative to the given folder", async () => {
    const inlined = await inlineManifests(parseBundleText(bundle), '/bundles', read);
    expect(inlined[1]?.value).toMatchObject({ runtimeDependencies: { manifest: files['/bundles/requirements.txt'] } });
    // Everything else stays as written.
    expect(inlined[0]?.value).toEqual(parseBundleText(bundle)[0]?.value);
  });

  it("leaves inline manifests, and '@' in other kinds, alone", async () => {
    const text = `kind: Image\nname: a\nbaseImageName: b\nruntimeDependencies:\n  manifest: six\n---\nkind: BaseImage\nname: '@x'\n`;
    const documents = parseBundleText(text);
    expect(await inlineManifests(documents, '/nowhere', read)).toEqual(documents);
  });

  it('names the file it could not read', async () => {
    await expect(inlineManifests(parseBundleText(bundle), '/elsewhere', read)).rejects.toThrow(
      "Error when reading content of /elsewhere/requirements.txt: ENOENT: no such file or directory, open '/elsewhere/requirements.txt'",
    );
  });

  it('reads relative to the bundle file, unless -w names a folder', () => {
    expect(manifestBaseDir('/bundles/images.yaml')).toBe('/bundles');
    expect(manifestBaseDir('/bundles/images.yaml', '/deps')).toBe('/deps');
  });

  it('reports invalid YAML with the index of the document', () => {
    expect(() => parseBundleText(`${bundle}---\nkind: Image\nname: [unclosed\n`)).toThrow(
      /^bundle document 2: invalid YAML: /,
    );
  });

  it('serializes back to the same documents, keeping empty ones so indexes still match the file', async () => {
    const documents = await inlineManifests(parseBundleText(`---\n---\n${bundle}---\n`), '/bundles', read);
    const text = serializeBundle(documents);
    const again = parseAllDocuments(text).map((doc) => doc.toJS());
    expect(again).toEqual([null, documents[1]?.value, documents[2]?.value, null]);
    // The manifest travels verbatim, even the line that looks like a document separator.
    expect(again[2].runtimeDependencies.manifest).toBe(files['/bundles/requirements.txt']);
  });

  it("prints one line per result, in the original's words", () => {
    const result = { index: 0, kind: 'BaseImage' as const, name: 'py', status: 'INITIALIZED' as const };
    expect(resultLine({ ...result, result: 'created' })).toBe('Created BaseImage: py');
    expect(resultLine({ ...result, result: 'unchanged' })).toBe('Unchanged BaseImage: py');
    expect(resultLine({ ...result, kind: 'Image', result: 'deleted' })).toBe('Deleted Image: py');
  });
});
