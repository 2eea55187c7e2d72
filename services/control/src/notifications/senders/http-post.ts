import { DeliveryError } from './notification-sender';

/** HTTP statuses worth retrying: the receiver is busy, down or not configured for us yet. */
function isRetryable(status: number): boolean {
  // 401/403: a wrong or expired token is fixed by a person; keep the message until then.
  return (
    status === 401 ||
    status === 403 ||
    status === 408 ||
    status === 425 ||
    status === 429 ||
    status >= 500
  );
}

/**
 * POSTs `body` and resolves on a 2xx answer. A refusal that sending again cannot change (400,
 * 404, 413 …) is a permanent `DeliveryError`; network errors, timeouts and busy or failing
 * servers are retryable ones.
 */
export async function postOrThrow(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    // fetch rejects for DNS, connection and TLS failures and for the timeout: all retryable.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new DeliveryError(`${new URL(url).host}: ${detail}`, false);
  }
  // The answer's body is not needed; reading it frees the connection.
  const answer = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return;
  throw new DeliveryError(
    `${new URL(url).host}: HTTP ${response.status}${answer ? ` ${answer}` : ''}`,
    !isRetryable(response.status),
  );
}
