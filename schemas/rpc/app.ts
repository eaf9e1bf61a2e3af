/** The app itself: what build is running, where its data is, and how it answers. */
import { z } from 'zod';
import { call, onServer } from './spec.js';

export const appMethods = {
  'app.info': call(
    z.object({}),
    z.object({ version: z.string(), dataDir: z.string(), answerMode: z.enum(['extractive', 'llm']) }),
    onServer('member'),
  ),
} as const;
