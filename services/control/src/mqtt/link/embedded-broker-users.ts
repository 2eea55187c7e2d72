import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AtomicJsonFile } from '../../persistence/atomic-json-file';
import type { EmbeddedBrokerUsers } from './embedded-broker-access';

const account = z.object({ username: z.string().min(1), password: z.string().min(16) });
const usersSchema = z.object({ service: account, reader: account });

export interface UsersLogger {
  warn(message: string): void;
}

/**
 * The embedded broker's accounts, in `path` (mode 0600): generated at the first start and kept,
 * so that integrations keep working across restarts. The reader's password is printed once, like
 * the admin password; the service account (the only one that may send commands) is only in the
 * file. A damaged file is replaced by new accounts (said in the log): nothing else depends on
 * them but the clients, which then need the new reader password.
 */
export async function loadEmbeddedBrokerUsers(
  path: string,
  logger: UsersLogger,
): Promise<EmbeddedBrokerUsers> {
  await mkdir(dirname(path), { recursive: true });
  const file = new AtomicJsonFile(path, usersSchema, logger);
  const { value, problems } = await file.read();
  if (value) return value;
  for (const problem of problems) logger.warn(`embedded broker accounts: ${problem}`);
  const users = {
    service: { username: 'cryopilot', password: secret() },
    reader: { username: 'reader', password: secret() },
  };
  await file.write(users);
  logger.warn(
    `embedded MQTT broker: created read-only user "reader" with password: ` +
      `${users.reader.password}  (shown once; both accounts are in ${path})`,
  );
  return users;
}

function secret(): string {
  return randomBytes(18).toString('base64url');
}
