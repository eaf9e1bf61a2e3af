/** The app itself: what build is running, where its data is, and how it answers. */
import { z } from 'zod';
import { call, onServer } from './spec.js';

export const appMethods = {
  'app.info': call(
    z.object({}),
    z.object({
      version: z.string(),
      /** Where Hearth keeps its data: told to the person at the machine only (a team member has no business with the server's paths). */
      dataDir: z.string().optional(),
      answerMode: z.enum(['extractive', 'llm']),
    }),
    onServer('member'),
  ),
} as const;
