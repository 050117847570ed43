  /* -- talking to the service ------------------------------------------------------------- */

  function request(method, body) {
    return fetch(url('consent'), {
      method: method,
      headers: { 'Content-Type': 'application/json', 'X-Consent-Token': readToken() },
      body: body && JSON.stringify(body),
    }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
  }

  /** Record the choice; if the service cannot be reached, still honor it for this page. */
  function save(action, choices, overrides) {
    const body = { site: cfg.site, choices: choices, trackers: overrides, action: action, lang: cfg.lang, variant: variant };
    return request('POST', body).then(
      (answer) => {
        writeCookie(cfg.cookie.name, answer.token, cfg.cookie.maxAge, cfg.cookie.domain);
        const read = readClaim(answer.token);
        remember(answer.token, read);
        return read;
      },
      () => ({ status: 'valid', claim: { c: choices, t: body.trackers, s: cfg.site, v: cfg.policy.version } }),
    ).then((read) => {
      ui.close();
      apply(decide(read));
      return state;
    });
  }

  function everything(on) {
    const choices = {};
    categories.forEach((c) => { choices[c.id] = on || c.required; });
    return choices;
  }

  /** Keep the visitor's per-tracker choices (such as "Do not sell or share") when categories change. */
  function overridesKept(more) {
    return Object.assign({}, state.consent && state.consent.trackers, more);
  }

  function withdraw() {
    return request('DELETE').catch(() => null).then(() => {
      expire(cfg.cookie.name, cfg.cookie.domain);
      apply(decide({ status: 'missing' }));
      ui.open(false);
      return state;
    });
  }
