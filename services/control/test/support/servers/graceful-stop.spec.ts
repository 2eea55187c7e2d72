import { stopGracefully } from './graceful-stop';
import { LocalServer } from './local-server';

// A real process stands in for a server: `sleep` exits on SIGTERM; a shell that ignores
// SIGTERM has to be killed. Ready once it printed `up` (the trap is set by then).
function sleeper(ignoreTerm: boolean): LocalServer {
  const body = ignoreTerm
    ? "trap '' TERM; echo up; while :; do sleep 0.05; done"
    : 'echo up; exec sleep 60';
  const server: LocalServer = new LocalServer({
    command: 'sh',
    args: ['-c', body],
    aptPackage: 'dash',
    isReady: () => Promise.resolve(server.log.includes('up')),
    stopGraceMs: 300,
  });
  return server;
}

describe('a server stopped for an outage', () => {
  it('reports a clean exit when the server ends on SIGTERM', async () => {
    const server = sleeper(false);
    await server.start();
    await expect(server.stop()).resolves.toBe('exited');
  });

  it('reports a kill when the grace runs out, and stopGracefully fails naming the server', async () => {
    const server = sleeper(true);
    await server.start();
    await expect(stopGracefully('test server', server)).rejects.toThrow(
      /test server did not stop within 0.3 s of SIGTERM and was killed/,
    );
    expect(server.running).toBe(false);
  });
});
