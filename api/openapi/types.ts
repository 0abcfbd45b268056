import type { z } from 'zod';

// The shapes of the OpenAPI 3.1 document, as far as this API uses them.

export type JsonSchema = z.core.JSONSchema.BaseSchema;

export type Parameter = {
  name: string;
  in: 'query' | 'path' | 'header';
  required: boolean;
  description: string;
  schema: JsonSchema;
  style?: 'form' | 'simple';
  explode?: boolean;
};

export type MediaType = { schema: JsonSchema };
export type Content = Record<string, MediaType>;
export type ResponseObject = { description: string; content?: Content };
export type RequestBody = { required: boolean; description?: string; content: Content };

export type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, ResponseObject>;
  /** Empty for the public endpoints; otherwise the bearer scheme with the roles allowed (OpenAPI 3.1 role names). */
  security: Record<string, string[]>[];
};

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';
export type PathItem = Partial<Record<HttpMethod, Operation>>;
export type Paths = Record<string, PathItem>;

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Paths;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
};
