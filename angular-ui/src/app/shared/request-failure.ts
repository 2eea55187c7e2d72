import { ApiError } from '../core/api/control-api';
import type { I18n } from '../core/i18n/i18n';
import { serviceText } from './service-text';

/**
 * Why an HTTP request of the page failed, in the page's language. The browser's own words
 * ("Failed to fetch", "NetworkError when attempting to fetch resource.") and Nest's ("Forbidden
 * resource") are English and say nothing to an operator; the status says what happened.
 */
export function requestFailureText(i18n: I18n, error: unknown): string {
  if (!(error instanceof ApiError)) return i18n.t('request.unreachable');
  switch (error.status) {
    case 401:
      return i18n.t('request.signedOut');
    case 403:
      return i18n.t('request.forbidden');
    case 429:
      return i18n.t('request.rateLimited');
    default:
      // 5xx (or a proxy's 502 while the service restarts): what failed is not the request.
      if (error.status >= 500) return i18n.t('request.serverError', { status: error.status });
      // A refusal with the service's reason (e.g. a validation message).
      return serviceText(i18n, error.message);
  }
}
