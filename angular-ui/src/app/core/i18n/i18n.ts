import { computed, Injectable, signal } from '@angular/core';
import { EN, TextKey } from './en';
import { FR } from './fr';

export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];
const STORAGE_KEY = 'cryopilot.language';
const DICTIONARIES: Record<Language, Record<TextKey, string>> = { en: EN, fr: FR };

/** The language from storage, else the browser's, else English. */
export function initialLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored === 'en' || stored === 'fr') return stored;
  for (const tag of browser) {
    const base = tag.slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

/** A name given in English (`label`) and optionally per language (`labels`). */
export interface Labelled {
  readonly label: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The label in `language` when the service sent one, else the configured `label`. */
export function labelIn(item: Labelled, language: Language): string {
  const label = item.labels?.[language];
  return label?.trim() ? label : item.label;
}

/** Fills `{name}` placeholders. */
export function interpolate(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

/**
 * English and French, switchable at run time and remembered in the browser. Templates call
 * `t('key')`; it reads the language signal, so a switch re-renders every text at once.
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly languageSignal = signal<Language>(
    initialLanguage(readStorage(), typeof navigator === 'undefined' ? [] : navigator.languages),
  );
  readonly language = this.languageSignal.asReadonly();
  /** BCP 47 tag for dates and numbers. */
  readonly locale = computed(() => (this.language() === 'fr' ? 'fr-FR' : 'en-GB'));

  constructor() {
    document.documentElement.lang = this.languageSignal();
  }

  /** The text of `key` in the current language. */
  readonly t = (key: TextKey, params?: Record<string, string | number>): string =>
    interpolate(DICTIONARIES[this.languageSignal()][key], params);

  /** Whether `key` has a text (for codes from the service that a newer service may extend). */
  has(key: string): key is TextKey {
    return key in DICTIONARIES[this.languageSignal()];
  }

  use(language: Language): void {
    this.languageSignal.set(language);
    document.documentElement.lang = language;
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Storage disabled (private mode): the choice lasts for this page only.
    }
  }

  /** A channel's label in the current language (from the service's config). */
  readonly label = (item: Labelled): string => labelIn(item, this.languageSignal());

  /** A time of day in the current locale (`14:03:07`). */
  time(iso: string | null): string {
    if (!iso) return '';
    return new Date(iso).toLocaleTimeString(this.locale(), { hour12: false });
  }

  /** A date in the current locale (`29/11/2026`). */
  date(iso: string | null): string {
    if (!iso) return '';
    return new Date(iso).toLocaleDateString(this.locale());
  }

  /** A number with a fixed count of decimals in the current locale. */
  number(value: number, decimals = 1): string {
    return value.toLocaleString(this.locale(), {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
  }
}

function readStorage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled: fall back to the browser language.
    return null;
  }
}
