/**
 * A browser's HTTP behaviour without the browser, for the single sign-on tests that need to
 * look at each step: a cookie jar per host (name and value only; these tests run on one
 * machine) and redirects followed by hand, so a test can stop at any of them.
 */
export class CookieAgent {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }

  forget(url: string, name: string): void {
    this.jars.get(new URL(url).host)?.delete(name);
  }

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...(jar.size > 0 && {
          cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        }),
        ...(init.form && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(init.form && { body: new URLSearchParams(init.form).toString() }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const cut = pair.indexOf('=');
      const name = pair.slice(0, cut).trim();
      const value = pair.slice(cut + 1).trim();
      const gone = attributes.some((attribute) => {
        const [key = '', setting = ''] = attribute.trim().split('=');
        return (
          (key.toLowerCase() === 'max-age' && Number(setting) <= 0) ||
          (key.toLowerCase() === 'expires' && Date.parse(setting) < Date.now())
        );
      });
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location ? new URL(location, url).href : undefined,
      text: await response.text(),
    };
  }

  /** Follows redirects from `url` until an answer that is not one, or one `stop` says to keep. */
  async follow(url: string, stop: (next: string) => boolean = () => false) {
    let answer = await this.fetch(url);
    for (let hops = 0; answer.location && !stop(answer.location); hops++) {
      if (hops > 10) throw new Error(`more than 10 redirects from ${url}`);
      answer = await this.fetch(answer.location);
    }
    return answer;
  }
}
