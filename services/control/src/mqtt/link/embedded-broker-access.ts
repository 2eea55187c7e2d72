import { timingSafeEqual, createHash } from 'node:crypto';

/** The embedded broker's two accounts (generated, see embedded-broker-users.ts). */
export interface EmbeddedBrokerUsers {
  /** The control service itself: writes its topics, reads commands. */
  readonly service: { readonly username: string; readonly password: string };
  /** Read-only integrations (Home Assistant dashboards, mosquitto_sub, Node-RED). */
  readonly reader: { readonly username: string; readonly password: string };
}

export interface EmbeddedBrokerAccessOptions {
  /** The service's client id: nobody else may connect with it (it would take the session over). */
  readonly serviceClientId: string;
  /** Topic subtrees of the service: its base topic and the discovery prefix (empty: none). */
  readonly subtrees: readonly string[];
  /** Where commands arrive (`<base>/cmd/`): never retained (see `mayPublish`). */
  readonly commandPrefix: string;
}

export type ConnectVerdict = 'ok' | 'bad-credentials' | 'client-id-reserved';

/**
 * Who may do what on the embedded broker (pure), the same rules as the shipped Mosquitto ACL
 * (mosquitto/config/acl): no anonymous client; the service account reads and writes the
 * service's subtrees; the reader account reads them and writes nothing. Nobody but the service
 * account may use the service's client id, which would otherwise take over its session and
 * receive its commands.
 */
export class EmbeddedBrokerAccess {
  private readonly subtrees: readonly string[];

  constructor(
    private readonly users: EmbeddedBrokerUsers,
    private readonly options: EmbeddedBrokerAccessOptions,
  ) {
    this.subtrees = options.subtrees.filter((s) => s !== '');
  }

  connect(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): ConnectVerdict {
    const account = this.account(username, password);
    if (account === null) return 'bad-credentials';
    if (clientId === this.options.serviceClientId && account !== 'service') {
      return 'client-id-reserved';
    }
    return 'ok';
  }

  /**
   * Whether `username` may publish on `topic` (wills included). A retained command is refused
   * outright: this broker speaks MQTT 3.1.1, which clears the retain flag of a message
   * delivered live, so the service could not tell it from a fresh command — and a stored one
   * would run again at every resubscription.
   */
  mayPublish(username: string | undefined, topic: string, retain = false): boolean {
    if (retain && topic.startsWith(this.options.commandPrefix)) return false;
    return username === this.users.service.username && this.inSubtrees(topic);
  }

  /**
   * Whether `username` may subscribe to `filter`: any filter that can match one of the
   * service's topics (`#` included); what it then receives is cut by `mayReceive`.
   */
  maySubscribe(username: string | undefined, filter: string): boolean {
    if (!this.isKnown(username)) return false;
    return this.subtrees.some((subtree) => filterOverlaps(filter, subtree));
  }

  /** Whether a message on `topic` may be delivered to `username` (read permission). */
  mayReceive(username: string | undefined, topic: string): boolean {
    return this.isKnown(username) && this.inSubtrees(topic);
  }

  private inSubtrees(topic: string): boolean {
    return this.subtrees.some((subtree) => topic === subtree || topic.startsWith(`${subtree}/`));
  }

  private isKnown(username: string | undefined): boolean {
    return username === this.users.service.username || username === this.users.reader.username;
  }

  private account(
    username: string | undefined,
    password: Buffer | undefined,
  ): 'service' | 'reader' | null {
    if (username === undefined || password === undefined) return null;
    for (const name of ['service', 'reader'] as const) {
      const user = this.users[name];
      if (username === user.username && samePassword(password, user.password)) return name;
    }
    return null;
  }
}

/** Constant-time comparison of a presented password with the expected one. */
function samePassword(presented: Buffer, expected: string): boolean {
  const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Whether an MQTT topic filter (with `+` and `#`) can match some topic inside `subtree`
 * (the subtree itself or anything below it).
 */
export function filterOverlaps(filter: string, subtree: string): boolean {
  const f = filter.split('/');
  const s = subtree.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= s.length) return true; // deeper than the subtree root: inside it
    if (f[i] !== '+' && f[i] !== s[i]) return false;
  }
  return f.length >= s.length;
}
