import { TestBed } from '@angular/core/testing';
import { ApiError } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { requestFailureText } from './service-text';

function i18nIn(language: 'en' | 'fr'): I18n {
  const i18n = TestBed.inject(I18n);
  i18n.use(language);
  return i18n;
}

describe('requestFailureText: why a page could not load, in the page language', () => {
  it("never shows the browser's network error text", async () => {
    // What fetch really throws when nothing listens: a TypeError ("Failed to fetch" in
    // Chromium, "NetworkError when attempting to fetch resource." in Firefox).
    const thrown = await fetch('http://127.0.0.1:9/').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(requestFailureText(i18nIn('en'), thrown)).toBe('The service cannot be reached.');
    expect(requestFailureText(i18nIn('fr'), thrown)).toBe('Le service est injoignable.');
  });

  it.each([
    [401, 'Unauthorized', 'Your session has ended: sign in again.'],
    [403, 'Forbidden resource', 'Your role does not allow this.'],
    [429, 'ThrottlerException', 'Too many requests. Wait a moment and try again.'],
    [502, 'HTTP 502', 'The service could not answer (HTTP 502). Try again in a moment.'],
  ])('HTTP %i says what happened, not "%s"', (status, message, said) => {
    expect(requestFailureText(i18nIn('en'), new ApiError(status, 'error', message))).toBe(said);
  });

  it("keeps the service's reason for any other refusal, translated when it knows the phrase", () => {
    const fr = i18nIn('fr');
    expect(requestFailureText(fr, new ApiError(400, 'bad', 'limit must be ≤ 1000'))).toBe(
      'limit must be ≤ 1000',
    );
    expect(requestFailureText(fr, new ApiError(409, 'x', 'valve.open needs manual mode'))).toBe(
      fr.t('svc.needsManual'),
    );
    expect(requestFailureText(fr, new ApiError(403, 'forbidden', 'Forbidden resource'))).toBe(
      'Votre rôle ne le permet pas.',
    );
  });
});
