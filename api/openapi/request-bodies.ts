import { baseImageBodySchema } from '../base-image-model.js';
import { imageBodySchema } from '../image-model.js';
import { rebuildBodySchema, scheduleBodySchema } from '../rebuild-model.js';
import { tokenBodySchema } from '../token-routes.js';
import { describe, jsonSchemaOf, property } from './json-schema.js';
import { ROLE_RULES } from './security.js';
import type { JsonSchema } from './types.js';

// The request bodies: the very schemas the routes validate with (PUT takes the name from the path), plus the notes
// their zod form cannot carry.

const PATH_NAME_WINS = 'Optional here: the name in the path wins over the one in the body.';

function resourceBodies(languages: readonly string[]): Record<string, JsonSchema> {
  const baseImageBody = baseImageBodySchema(languages);
  const schemas: Record<string, JsonSchema> = {
    BaseImageBody: jsonSchemaOf(baseImageBody, 'input'),
    BaseImageUpdateBody: jsonSchemaOf(baseImageBody.partial({ name: true }), 'input'),
    ImageBody: jsonSchemaOf(imageBodySchema, 'input'),
    ImageUpdateBody: jsonSchemaOf(imageBodySchema.partial({ name: true }), 'input'),
  };
  for (const name of ['BaseImageBody', 'BaseImageUpdateBody'] as const) {
    const body = schemas[name]!;
    body.description = 'A base image as sent to POST and PUT /v1/baseimage (JSON or YAML).';
    // The refinement is `languages.includes(language)`: exactly an enum of the configured languages.
    property(body, 'language').enum = [...languages];
  }
  for (const name of ['ImageBody', 'ImageUpdateBody'] as const) {
    const body = schemas[name]!;
    body.description = 'An image as sent to POST and PUT /v1/image (JSON or YAML).';
    describe(
      property(body, 'baseImageName'),
      'A base image of the same org; it must exist, and the image takes its language.',
    );
    describe(
      property(body, 'runtimeDependencies', 'manifest'),
      "The full text of requirements.txt (python3) or package.json (nodejs; must then be a JSON object). A reference such as '@requirements.txt' is refused: the dispatch CLI replaces it with the file's content.",
    );
    describe(property(body, 'systemDependencies', 'packages'), 'OS packages to install; null means none.');
  }
  describe(property(schemas.BaseImageUpdateBody!, 'name'), PATH_NAME_WINS);
  describe(property(schemas.ImageUpdateBody!, 'name'), PATH_NAME_WINS);
  return schemas;
}

function tokenBody(): JsonSchema {
  const token = jsonSchemaOf(tokenBodySchema, 'input');
  token.description = 'A token to create, as sent to POST /v1/token (JSON or YAML).';
  describe(property(token, 'name'), 'What the token is for (a person, a CI job); need not be unique.');
  describe(property(token, 'role'), `What the token may do: ${ROLE_RULES}.`);
  return token;
}

function rebuildBodies(): Record<string, JsonSchema> {
  const rebuild = jsonSchemaOf(rebuildBodySchema, 'input');
  const schedule = jsonSchemaOf(scheduleBodySchema, 'input');
  rebuild.description = 'A batch rebuild, as sent to POST /v1/rebuilds (JSON or YAML).';
  schedule.description =
    'A rebuild schedule, as sent to POST /v1/rebuildschedules (JSON or YAML); its runs are rebuilds that are not dry runs.';
  for (const body of [rebuild, schedule]) {
    describe(
      property(body, 'selector'),
      'Which images: {"all": true} for every image of the org, {"baseImageName": NAME} for the images of a base image (which must exist), or {"tag": {"key": K, "value": V}} for the images carrying a tag.',
    );
    describe(
      property(body, 'force'),
      'Rebuild every selected image whose base image could be verified; otherwise only those never built successfully or whose build inputs (base image digest, dependencies, template) changed since their last successful build.',
    );
  }
  describe(
    property(rebuild, 'dryRun'),
    'Only plan: answer what would be rebuilt and why, and build nothing. The base images are verified again either way.',
  );
  describe(
    property(schedule, 'cron'),
    'When to run, in UTC: five or six cron fields ("0 3 * * *") or a descriptor (@daily, @every 6h); Temporal checks the rest.',
  );
  describe(property(schedule, 'paused'), 'Create the schedule paused.');
  return { RebuildBody: rebuild, RebuildScheduleBody: schedule };
}

export function requestBodySchemas(languages: readonly string[]): Record<string, JsonSchema> {
  return { ...resourceBodies(languages), TokenBody: tokenBody(), ...rebuildBodies() };
}
