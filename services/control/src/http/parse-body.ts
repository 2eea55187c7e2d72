import { BadRequestException } from '@nestjs/common';
import { formatIssues } from '@cryopilot/protocol';
import type { z } from 'zod';

/** Validates a request body or query against a schema; a 400 lists every problem. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestException(formatIssues(parsed.error).join('; '));
  return parsed.data;
}
