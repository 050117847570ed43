  /* -- video ads ---------------------------------------------------------------------------- */

  const MACRO = /(?:\[|%5b)(gdprconsent|limitadtracking|regulations|gdpr)(?:]|%5d)/gi;

  const vastHosts = trackers.filter((t) => t.kind == 'vast').flatMap((t) => t.hosts.map((host) => host.toLowerCase()));

  /** Whether the tag is an http(s) URL on a configured VAST host, both as the server reads it (its
      authority cut as urlsplit cuts it: no user info, a valid port) and as the browser will request it. */
  function vastTag(tag) {
    try {
      const authority = /^https?:\/\/([^/?#]*)/i.exec(tag)[1].toLowerCase();
      const host = new URL(tag).hostname;
      return tag.length <= 4096 && !/[\0- \s]/.test(tag) && !authority.includes('@') &&
        vastHosts.includes(host) && authority.split(':')[0] == host;
    } catch (e) {
      return false;
    }
  }

  /** The ad tag with the IAB privacy macros and parameters filled, or null: no ad request. */
  function vastUrl(tag) {
    if (!allows('vast') || !vastTag(tag)) return null;
    const gdpr = +(regime == 'opt_in');
    const npa = +(state.google_consent_mode.ad_personalization == 'denied');
    const values = { gdpr: gdpr, gdprconsent: '', limitadtracking: npa, regulations: { opt_in: 'gdpr', opt_out: 'ccpa' }[regime] || '' };
    /* Only our parameters change: every other byte of the tag stays (players fill their own macros). */
    const [, path, query, fragment] = tag.replace(MACRO, (m, name) => values[name.toLowerCase()])
      .match(/([^?#]*)\??([^#]*)#?(.*)/);
    const ours = { gdpr: gdpr };
    if (gdpr) ours.gdpr_consent = '';
    if (npa) ours.npa = 1;
    if (regime == 'opt_out') ours.us_privacy = '1Y' + (state.allowed.ad_network.length ? 'N' : 'Y') + 'N';
    /* Ours replace the tag's own in place (once; those that do not apply go), the rest follow. */
    const params = query.split('&').filter(Boolean).flatMap((p) => {
      const name = p.split('=')[0];
      if (!/^(gdpr|gdpr_consent|npa|us_privacy)$/.test(name)) return [p];
      const value = ours[name];
      delete ours[name];
      return value == null ? [] : [name + '=' + value];
    });
    for (const name in ours) params.push(name + '=' + ours[name]);
    return path + '?' + params.join('&') + (fragment ? '#' + fragment : '');
  }



