// The attempt page (templates/courses/attempt.mustache): saves each changed answer half a second
// after the last change through PUT /api/v1/attempts/{id}/answers (the question.h response
// shapes, keyed by slot), shows "Saved at …" or "Not saved — retrying" in a live region, retries
// with a growing pause and when the connection comes back, and saves what is left when the page
// is hidden (fetch keepalive). The timer counts down from the server's seconds_left and submits
// the form at 0. Without JavaScript the form's buttons post the answers instead.
const form = document.getElementById('quiz-attempt');

if (form) {
  const attemptId = form.dataset.attempt;
  const page = Number(form.dataset.page) || 0;
  const csrf = form.querySelector('input[name="_csrf"]').value;
  const status = document.getElementById('quiz-save-status');
  const submitButton = document.getElementById('quiz-submit');
  const url = `/api/v1/attempts/${attemptId}/answers`;
  const DEBOUNCE_MS = 500;

  const dirty = new Set();   // slots changed since their last successful save
  let debounce = null;       // the pending debounced save
  let retryTimer = null;
  let retryDelay = 1000;
  let inFlight = false;
  let leaving = false;       // the form is being posted: it carries the answers itself
  let stopped = false;       // the server refused for good (submitted, past the deadline)

  // ---- Reading one question's response in the question.h shape ----
  const responseOf = (fieldset) => {
    const inputs = Array.from(fieldset.querySelectorAll('input, select, textarea'))
      .filter((i) => i.name === fieldset.dataset.field);
    switch (fieldset.dataset.type) {
      case 'single': {
        const c = inputs.find((i) => i.checked);
        return c ? { choice: Number(c.value) } : {};
      }
      case 'multi':
        return { choices: inputs.filter((i) => i.checked).map((i) => Number(i.value)) };
      case 'truefalse': {
        const c = inputs.find((i) => i.checked);
        return c ? { value: c.value === 'true' } : {};
      }
      case 'short':
      case 'essay':
        return inputs[0] && inputs[0].value !== '' ? { text: inputs[0].value } : {};
      case 'numerical':
        return inputs[0] && inputs[0].value.trim() !== '' ? { value: inputs[0].value.trim() } : {};
      case 'matching': {
        // Each select's value is "left:right" (right -1 = not chosen yet).
        const pairs = [];
        for (const sel of inputs) {
          const [left, right] = sel.value.split(':').map(Number);
          while (pairs.length <= left) pairs.push(-1);
          pairs[left] = Number.isFinite(right) ? right : -1;
        }
        return { pairs };
      }
      default:
        return null;
    }
  };

  const fieldsetOf = (slot) => form.querySelector(`fieldset[data-slot="${slot}"]`);

  const payload = () => {
    const answers = {};
    for (const slot of dirty) {
      const fs = fieldsetOf(slot);
      const r = fs ? responseOf(fs) : null;
      if (r) answers[slot] = r;
    }
    return { answers, page };
  };

  // ---- Status line ----
  const two = (n) => String(n).padStart(2, '0');
  const clock = (d) => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const say = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  // ---- Timer ----
  const timer = document.getElementById('quiz-timer');
  const timerAlert = document.getElementById('quiz-timer-alert');
  let deadline = null; // performance.now() at which time is up
  const setSecondsLeft = (s) => {
    if (timer && Number.isFinite(s)) deadline = performance.now() + s * 1000;
  };
  const formatLeft = (s) => {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
  };
  let announced = new Set();
  let timeUp = false;
  const submitNow = () => {
    leaving = true;
    clearTimeout(debounce);
    clearTimeout(retryTimer);
    form.dataset.auto = '1';
    if (form.requestSubmit) form.requestSubmit(submitButton);
    else submitButton.click();
  };
  const tick = () => {
    if (deadline === null || timeUp) return;
    const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
    timer.textContent = formatLeft(left);
    timer.classList.toggle('quiz-timer-low', left <= 60);
    if (left <= 300 && left > 60 && !announced.has(5)) {
      announced.add(5);
      timerAlert.textContent = timerAlert.dataset.five;
    } else if (left <= 60 && left > 0 && !announced.has(1)) {
      announced.add(1);
      timerAlert.textContent = timerAlert.dataset.one;
    }
    if (left <= 0) {
      timeUp = true;
      say(status.dataset.timeUp, 'timeup');
      submitNow();
    }
  };
  if (timer) {
    setSecondsLeft(Number(timer.dataset.secondsLeft));
    // Skip the 5-minute notice when the attempt starts with less than that.
    const start = Number(timer.dataset.secondsLeft);
    if (start <= 300) announced.add(5);
    if (start <= 60) announced.add(1);
    tick();
    window.setInterval(tick, 250);
  }

  // ---- Saving ----
  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  };

  async function save() {
    clearTimeout(debounce);
    debounce = null;
    if (leaving || stopped || dirty.size === 0) return;
    if (inFlight) { // one request at a time; save again when it is back
      debounce = window.setTimeout(save, DEBOUNCE_MS);
      return;
    }
    const sending = new Set(dirty);
    const body = payload();
    dirty.clear();
    inFlight = true;
    say(status.dataset.saving, 'saving');
    let r = null;
    try {
      r = await fetch(url, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
    } catch {
      r = null; // offline or the server is away
    }
    inFlight = false;
    if (r && r.ok) {
      retryDelay = 1000;
      clearTimeout(retryTimer);
      let data = {};
      try { data = await r.json(); } catch { /* an empty answer is fine */ }
      const at = Number(data.saved_at) ? new Date(Number(data.saved_at) * 1000) : new Date();
      if (dirty.size === 0) say(`${status.dataset.saved} ${clock(at)}`, 'saved');
      if (data.seconds_left !== undefined && data.seconds_left !== null) setSecondsLeft(Number(data.seconds_left));
      if (dirty.size > 0) debounce = window.setTimeout(save, DEBOUNCE_MS);
      return;
    }
    // Not saved: keep the slots to send again (with any newer changes).
    for (const s of sending) dirty.add(s);
    if (r && r.status === 409) {
      // Submitted, or past the deadline (the server submits it): show the review.
      stopped = true;
      say(status.dataset.refused, 'refused');
      window.location.assign(`/attempts/${attemptId}`);
      return;
    }
    if (r && (r.status === 422 || r.status === 404 || r.status === 403 || r.status === 401)) {
      let msg = '';
      try { msg = (await r.json()).error.message || ''; } catch { /* no message */ }
      stopped = r.status !== 422;
      say(`${status.dataset.refused}${msg ? `: ${msg}` : ''}`, 'refused');
      if (r.status === 422) dirty.clear();
      return;
    }
    if (r && r.status === 503 && status.dataset.readOnly) {
      // The site reads only for maintenance: the answers stay in the page and are sent again
      // when it is back (Retry-After says when, within reason).
      say(status.dataset.readOnly, 'read-only');
      const after = Number(r.headers.get('retry-after'));
      if (after > 0) retryDelay = Math.min(Math.max(after * 1000, 1000), 60000);
      scheduleRetry();
      return;
    }
    say(status.dataset.retrying, 'retrying');
    scheduleRetry();
  }

  const changed = (event) => {
    const fs = event.target.closest('fieldset[data-slot]');
    if (!fs || leaving) return;
    dirty.add(fs.dataset.slot);
    clearTimeout(debounce);
    debounce = window.setTimeout(save, DEBOUNCE_MS);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  // Enter in a one-line answer would press the first button; the answer saves by itself.
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type !== 'submit') {
      event.preventDefault();
    }
  });

  window.addEventListener('online', () => {
    if (dirty.size > 0 && !stopped) {
      retryDelay = 1000;
      save();
    }
  });

  // The form posts every answer on the page itself: nothing to save on the way out.
  form.addEventListener('submit', (event) => {
    const button = event.submitter;
    if (button === submitButton && form.dataset.auto !== '1') {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
    }
    leaving = true;
    clearTimeout(debounce);
    clearTimeout(retryTimer);
    dirty.clear();
  });

  // A closed tab or a page left another way: send what is not saved yet.
  window.addEventListener('pagehide', () => {
    if (leaving || stopped || dirty.size === 0) return;
    const body = JSON.stringify(payload());
    dirty.clear();
    try {
      fetch(url, {
        method: 'PUT',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body,
      });
    } catch {
      // Nothing more can be done while the page goes away.
    }
  });
}
