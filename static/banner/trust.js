  /* -- trusting the cookie ------------------------------------------------------------------
   * Anyone can write the consent cookie: a sibling subdomain when the cookie domain is shared,
   * or any script on the page. So its claim is applied only once its signature is known to be
   * the service's. Tokens are signed with Ed25519 (banner/core/tokens.py) and this bundle carries
   * the public keys, so the page checks a token itself with WebCrypto, without a request: the
   * common case of a returning visitor on https. Where it cannot (no crypto.subtle on an http
   * page, no Ed25519 in an older browser, a token of the former HMAC scheme) it asks the service,
   * once per browsing session, and applies the claim the service read: that answer is kept in
   * sessionStorage under a digest of the token. Until then only what is required runs; a claim
   * found false shows the banner.
   */

  const ED25519 = 'Ed25519';
  const LEGACY_SIGNATURE_LENGTH = 27; /* HMAC-SHA1 in base64; an Ed25519 signature takes 86 */

  /** What `token` may be trusted to say: a read as readClaim() gives it. */
  async function trusted(token) {
    /* The signature comes last (a compressed token of the former scheme starts with a dot). */
    const keys = token && token.split('.').pop().length != LEGACY_SIGNATURE_LENGTH && (await publicKeys());
    if (token && !keys) return confirmed(token);
    const read = readClaim(token);
    return read.status != 'valid' || (await verify(token, keys)) ? read : { status: 'invalid' };
  }

  async function publicKeys() {
    try {
      return await Promise.all(cfg.keys.map((key) => crypto.subtle.importKey('raw', bytes(key), ED25519, false, ['verify'])));
    } catch (e) {
      return null; /* no crypto.subtle outside a secure context, or no Ed25519 */
    }
  }

  async function verify(token, keys) {
    const [payload, issued, signature] = token.split('.');
    const signed = new TextEncoder().encode(payload + '.' + issued);
    try {
      for (const key of keys) if (await crypto.subtle.verify(ED25519, key, bytes(signature), signed)) return true;
    } catch (e) {
      /* no signature, or not even base64 */
    }
    return false;
  }

  /** The service's reading of `token`, asked once per browsing session; unreachable, nothing is trusted. */
  async function confirmed(token) {
    const key = verdictKey(token);
    let read = JSON.parse(session(key));
    if (!read) {
      try {
        const answer = await (await fetch(url('decision'), { headers: { 'X-Consent-Token': token } })).json();
        const consent = answer.consent;
        read = {
          status: answer.token_status || 'invalid',
          claim: consent && { i: consent.id, c: consent.choices, t: consent.trackers, s: cfg.site, v: cfg.policy.version },
        };
        session(key, JSON.stringify(read));
      } catch (e) {
        read = { status: 'invalid' };
      }
    }
    return read;
  }

  /** What the service just issued needs no confirming later in this session. */
  const remember = (token, read) => session(verdictKey(token), JSON.stringify(read));

  /** Storage key for the service's reading of a token: a digest, so the token is not copied again. */
  const verdictKey = (token) =>
    'consent:' + cfg.site + ':' + [...token].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7).toString(36);

  /** sessionStorage, which may be missing or refuse (privacy modes, sandboxed frames). */
  function session(key, value) {
    try {
      return value ? sessionStorage.setItem(key, value) : sessionStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
