// GET /v1/jobs/:id/problem: the job's problem as the web page draws it (src/api/problem-view.ts).

import type { FastifyInstance } from 'fastify';
import type { JobQueue } from '../../queue/queue.ts';
import { errorBodySchema } from '../errors.ts';
import { problemView, problemViewSchema } from '../problem-view.ts';
import { jobParamsSchema } from '../schemas.ts';
import { ownJob } from './jobs.ts';

export async function problemRoutes(app: FastifyInstance, { queue }: { queue: JobQueue }): Promise<void> {
  app.get<{ Params: { id: string } }>('/v1/jobs/:id/problem', {
    schema: {
      summary: 'The job\'s problem for drawing its solutions: variables in order, the values it fixes, a graph\'s edges',
      params: jobParamsSchema,
      response: { 200: problemViewSchema, 401: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema },
    },
  }, async (request) => problemView((await ownJob(queue, request, request.params.id)).request));
}
