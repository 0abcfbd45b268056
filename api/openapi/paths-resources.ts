import { errors, json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { listFilters, nameParam } from './parameters.js';
import { BASE, IMAGES } from './tags.js';
import type { Paths } from './types.js';

// The paths of base images and images: list, create, get, replace, delete.

const BI = 'base image';

export const baseImagePaths = ({ op, body }: OperationKit, languages: readonly string[]): Paths => ({
  '/v1/baseimage': {
    get: op('listBaseImages', BASE, 'List the base images of the org', {
      parameters: listFilters(BI, languages),
      responses: {
        200: {
          description: 'The base images ([] when there are none).',
          content: json({ type: 'array', items: ref('BaseImage') }),
        },
        ...errors({ 400: 'A tag or status filter is malformed.' }),
      },
    }),
    post: op('createBaseImage', BASE, 'Create a base image', {
      description: 'The base image is stored in status INITIALIZED and then verified (pulled) in the background.',
      requestBody: body('BaseImageBody', 'The new base image.'),
      responses: {
        201: { description: 'The stored base image.', content: json(ref('BaseImage')) },
        ...errors({ 400: true, 409: 'A base image of this name already exists.', 413: true, 503: true }),
      },
    }),
  },
  '/v1/baseimage/{name}': {
    get: op('getBaseImage', BASE, 'Get one base image', {
      parameters: [nameParam(BI)],
      responses: {
        200: { description: 'The base image.', content: json(ref('BaseImage')) },
        ...errors({ 400: 'The name is malformed.', 404: 'base image NAME not found.' }),
      },
    }),
    put: op('replaceBaseImage', BASE, 'Replace the spec of a base image', {
      description: 'The base image is verified again; the answer has status UPDATING.',
      parameters: [nameParam(BI)],
      requestBody: body('BaseImageUpdateBody', 'The new spec; the name in the path wins.'),
      responses: {
        200: { description: 'The stored base image.', content: json(ref('BaseImage')) },
        ...errors({ 400: true, 404: 'base image NAME not found.', 413: true, 503: true }),
      },
    }),
    delete: op('deleteBaseImage', BASE, 'Delete a base image', {
      parameters: [nameParam(BI)],
      responses: {
        200: { description: 'The deleted base image, with status DELETED.', content: json(ref('BaseImage')) },
        ...errors({
          400: 'The name is malformed.',
          404: 'base image NAME not found.',
          409: 'Images still use the base image; the message names them.',
        }),
      },
    }),
  },
});

export const imagePaths = ({ op, body }: OperationKit, languages: readonly string[]): Paths => ({
  '/v1/image': {
    get: op('listImages', IMAGES, 'List the images of the org', {
      parameters: [
        ...listFilters('image', languages),
        {
          name: 'baseImageName',
          in: 'query',
          required: false,
          description: 'Only images built on this base image.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: {
          description: 'The images ([] when there are none).',
          content: json({ type: 'array', items: ref('Image') }),
        },
        ...errors({ 400: 'A tag or status filter is malformed.' }),
      },
    }),
    post: op('createImage', IMAGES, 'Create an image', {
      description: 'The image is stored and its first build starts in the background.',
      requestBody: body('ImageBody', 'The new image.'),
      responses: {
        201: { description: 'The stored image.', content: json(ref('Image')) },
        ...errors({
          400: 'The body is invalid, or its base image does not exist in the org.',
          409: 'An image of this name already exists.',
          413: true,
          503: true,
        }),
      },
    }),
  },
  '/v1/image/{name}': {
    get: op('getImage', IMAGES, 'Get one image', {
      parameters: [nameParam('image')],
      responses: {
        200: { description: 'The image.', content: json(ref('Image')) },
        ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
      },
    }),
    put: op('replaceImage', IMAGES, 'Replace the spec of an image', {
      description: 'A new build starts and supersedes a running one; the answer has status UPDATING.',
      parameters: [nameParam('image')],
      requestBody: body('ImageUpdateBody', 'The new spec; the name in the path wins.'),
      responses: {
        200: { description: 'The stored image.', content: json(ref('Image')) },
        ...errors({
          400: 'The body is invalid, or its base image does not exist in the org.',
          404: 'image NAME not found.',
          413: true,
          503: true,
        }),
      },
    }),
    delete: op('deleteImage', IMAGES, 'Delete an image', {
      parameters: [nameParam('image')],
      responses: {
        200: { description: 'The deleted image, with status DELETED.', content: json(ref('Image')) },
        ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
      },
    }),
  },
});
