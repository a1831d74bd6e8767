// GET /v1/jobs/:id/events: server-sent events of one job, fed by the job's Redis channel, so they
// reach the client whichever worker runs the job. Events:
//   solution  (id = the solution's index)  one proven solution
//   progress                                running stats
//   status                                  status changes; the stream ends after a final one
//   error                                   { error: { code, message } }: the stream failed and ends
// A client that reconnects with Last-Event-ID (or ?after=N) gets only the solutions after it.

import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { EventHub } from '../../queue/event-hub.ts';
import { isTerminal, type JobEvent, type JobRecord } from '../../queue/job-store.ts';
import type { JobQueue } from '../../queue/queue.ts';
import type { Solution } from '../../solve/types.ts';
import { errorBodySchema } from '../errors.ts';
import { jobParamsSchema, jobQuerySchema } from '../schemas.ts';
import { ownJob } from './jobs.ts';

export interface EventRouteOptions {
  queue: JobQueue;
  hub: EventHub;
  heartbeatMs: number;
  /** Open streams, so that shutdown can close them. */
  streams: Set<ServerResponse>;
}

function statusData(job: Pick<JobRecord, 'status' | 'outcome' | 'stopReason' | 'error' | 'detail'> & { solutionCount?: number }) {
  return {
    status: job.status, outcome: job.outcome, stopReason: job.stopReason ?? null, error: job.error ?? null,
    detail: job.detail ?? null,
    ...(job.solutionCount !== undefined ? { solutionCount: job.solutionCount } : {}),
  };
}

export async function eventRoutes(app: FastifyInstance, opts: EventRouteOptions): Promise<void> {
  const { queue, hub, streams } = opts;
  app.get<{ Params: { id: string }; Querystring: { after: number } }>('/v1/jobs/:id/events', {
    schema: {
      summary: 'Server-sent events: solution, progress and status',
      params: jobParamsSchema,
      querystring: jobQuerySchema,
      headers: { type: 'object', properties: { 'last-event-id': { type: 'string', pattern: '^\\d{1,9}$' } } },
      response: { 200: { description: 'text/event-stream', type: 'string' }, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request, reply) => {
    const job = await ownJob(queue, request, request.params.id);
    const lastEventId = request.headers['last-event-id'];
    let lastSent = Math.max(request.query.after, typeof lastEventId === 'string' ? Number(lastEventId) : 0);

    // Set up before answering: subscribe first, then read what is stored (events in between are
    // held and replayed after). A failure here (Redis away) is an ordinary error answer (503),
    // never a 200 stream that then stays silent.
    const held: JobEvent[] = [];
    let deliver: ((ev: JobEvent) => void) | null = null;
    const unsubscribe = await hub.subscribe(queue.store.keys(job.id).events, (ev) => (deliver ? deliver(ev) : held.push(ev)));
    let stored: Solution[];
    let now: JobRecord;
    try {
      stored = await queue.store.solutions(job.id, lastSent);
      now = (await queue.store.get(job.id)) ?? job;
    } catch (err) {
      await unsubscribe();
      throw err;
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    streams.add(raw);
    let ended = false;
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), opts.heartbeatMs);
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      streams.delete(raw);
      void unsubscribe();
      raw.end();
    };
    raw.on('close', end);
    const send = (event: string, data: unknown, id?: number) => {
      if (!ended) raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const handle = (ev: JobEvent) => {
      if (ev.type === 'solution') {
        if (ev.solution.index <= lastSent) return;
        lastSent = ev.solution.index;
        send('solution', ev.solution, ev.solution.index);
      } else if (ev.type === 'progress') {
        send('progress', { stats: ev.stats, solutionCount: ev.solutionCount });
      } else {
        send('status', statusData(ev));
        if (isTerminal(ev.status)) end();
      }
    };
    try {
      for (const solution of stored) handle({ type: 'solution', solution });
      handle({ type: 'progress', stats: now.stats, solutionCount: now.solutionCount });
      send('status', statusData(now));
      if (isTerminal(now.status)) return end();
      deliver = handle;
      for (const ev of held) handle(ev);
    } catch (err) {
      // Once the stream is open, a failure ends it with an error event, in the API's error shape.
      request.log.error({ err }, 'event stream failed');
      send('error', { error: { code: 'internal', message: 'the event stream failed; reconnect with Last-Event-ID' } });
      end();
    }
  });
}
