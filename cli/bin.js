#!/usr/bin/env node
// Launcher for `dispatch`: the CLI is written in TypeScript, so tsx compiles it on the fly (no build step).
import { register } from 'tsx/esm/api';

register();
// A dynamic import: a static one would be hoisted and loaded before tsx is registered.
await import('./main.ts');
