#!/usr/bin/env node
// Entry point of `npx model-registry`: the CLI is TypeScript, run through tsx's loader so an
// installed package or a checkout works without a build step.
import { register } from "tsx/esm/api";

register();
const { runAsProgram } = await import("./main.ts");
await runAsProgram();
