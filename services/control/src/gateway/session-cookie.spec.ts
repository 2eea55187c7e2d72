import { isSameOrigin, sessionTokenFromCookieHeader } from './session-cookie';

describe('sessionTokenFromCookieHeader', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['other=1', undefined],
    ['cryopilot_session=abc', 'abc'],
    ['a=1; cryopilot_session=abc-_9; b=2', 'abc-_9'],
    ['cryopilot_session="quoted"', 'quoted'],
    ['cryopilot_session=%E0%A4%A', undefined],
    ['xcryopilot_session=abc', undefined],
  ])('%p → %p', (header, token) => {
    expect(sessionTokenFromCookieHeader(header)).toBe(token);
  });
});

describe('isSameOrigin', () => {
  it.each([
    [undefined, 'pi:8181', true],
    ['http://pi:8181', 'pi:8181', true],
    ['https://evil.example', 'pi:8181', false],
    ['http://pi:8182', 'pi:8181', false],
    ['null', 'pi:8181', false],
    ['http://pi:8181', undefined, false],
  ])('origin %p, host %p → %p', (origin, host, expected) => {
    expect(isSameOrigin(origin, host)).toBe(expected);
  });
});
