import { h } from './dom';

/** The languages both apps speak; each app's dictionary has every string in each of them. */
export const languages = {
  en: 'English',
  hi: 'हिन्दी',
} as const;
export type Language = keyof typeof languages;

const KEY = 'ballotstream.lang';

/** The reader's language: the one they chose in either app, else their browser's. */
export function storedLanguage(): Language {
  const stored = localStorage.getItem(KEY);
  if (stored === 'hi' || stored === 'en') return stored;
  return navigator.language.startsWith('hi') ? 'hi' : 'en';
}

/** Remembers the reader's choice for both apps, and says it to the page (`<html lang>`). */
export function saveLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
  document.documentElement.lang = language;
}

/** A function that gives an app's message in one language. */
export type Translator<K extends string> = (key: K) => string;

/** The translator of one app's dictionaries for the language asked for. */
export function translator<K extends string>(
  dictionaries: Readonly<Record<Language, Readonly<Record<K, string>>>>,
  language: Language,
): Translator<K> {
  return (key) => dictionaries[language][key];
}

/** A registry name in the reader's language: its Hindi form for Hindi readers, where there is one. */
export function localName(
  language: Language,
  x: { readonly name: string; readonly nameHi?: string | undefined },
): string {
  return language === 'hi' && x.nameHi !== undefined ? x.nameHi : x.name;
}

/** A party's name in the reader's language, where the registry has its Hindi form. */
export function localParty(
  language: Language,
  x: { readonly party: string; readonly partyHi?: string | undefined },
): string {
  return language === 'hi' && x.partyHi !== undefined ? x.partyHi : x.party;
}

/** The language switch both apps show: a labelled select that calls back with the new choice. */
export function languageSwitch(
  current: Language,
  label: string,
  onChange: (language: Language) => void,
): HTMLElement {
  return h(
    'label',
    { class: 'language' },
    label,
    ' ',
    h(
      'select',
      {
        id: 'language',
        onchange: (e: Event) => {
          const chosen = (e.target as HTMLSelectElement).value as Language;
          saveLanguage(chosen);
          onChange(chosen);
        },
      },
      Object.entries(languages).map(([code, name]) =>
        h('option', { value: code, lang: code, selected: code === current }, name),
      ),
    ),
  );
}
