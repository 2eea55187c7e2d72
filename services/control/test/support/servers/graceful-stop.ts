/** How a stopped server ended: on its own after the signal, or killed when the grace ran out. */
export type StopOutcome = 'exited' | 'killed';

/** A test server that can be stopped (LocalServer, ContainerServer). */
export interface StoppableServer {
  stop(): Promise<StopOutcome>;
  /** How long a stop waits after SIGTERM before it kills the server. */
  readonly stopGraceMs: number;
  /** What the server printed. */
  readonly log: string;
}

/**
 * Stops a server for an outage and fails if it had to be killed. A killed server loses what
 * it acknowledged but still held in memory (VictoriaMetrics: the rows and new series of its
 * last second or so — a stop without grace removed exactly the first batch the service had
 * delivered), and the test would then blame the service for the server's loss.
 */
export async function stopGracefully(what: string, server: StoppableServer): Promise<void> {
  if ((await server.stop()) === 'killed') {
    throw new Error(
      `${what} did not stop within ${server.stopGraceMs / 1000} s of SIGTERM and was killed: what it ` +
        `acknowledged last may be lost, so this outage would test the server, not the service.\n${server.log}`,
    );
  }
}
