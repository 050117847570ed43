/* The demo page's own script: shows which stand-in trackers have loaded and which cookies exist. */
(() => {
  const VAST_TAG = 'https://pubads.g.doubleclick.net/gampad/ads?iu=/demo&output=vast';
  const loaded = window.demoLoaded = window.demoLoaded || [];

  document.addEventListener('load', (e) => {
    const el = e.target;
    if (el.tagName === 'IMG' && el.dataset.consentTracker && el.hasAttribute('src')) {
      loaded.push(el.dataset.consentTracker);
      render();
    }
  }, true);

  function render() {
    document.querySelectorAll('[data-status]').forEach((cell) => {
      const on = loaded.includes(cell.dataset.status);
      cell.textContent = on ? 'loaded' : 'blocked';
      cell.className = on ? 'loaded' : 'blocked';
    });
    document.getElementById('cookies').textContent = document.cookie.split('; ')
      .map((pair) => pair.split('=')[0]).filter(Boolean).join(', ') || 'none';
    const consent = window.consent;
    if (consent && consent.decision) {
      const url = consent.vastUrl(VAST_TAG);
      document.getElementById('player').textContent = url
        ? 'Video ads allowed: the player may request ' + url
        : 'Video ads (VAST) are not allowed: playing without ads';
    }
  }

  document.getElementById('withdraw').addEventListener('click', () => {
    if (window.consent) window.consent.withdraw();
  });
  document.addEventListener('demo:loaded', render);
  setInterval(render, 500);
  render();
})();
