// Waiting for the signal that ends a service process (SIGTERM from a supervisor, SIGINT from a
// terminal), so `serve` and `worker` can shut down gracefully.

export function untilSignal(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, handler);
      resolve(signal);
    };
    for (const s of signals) process.on(s, handler);
  });
}
