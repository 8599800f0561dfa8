(() => {
  'use strict';
  // Every text shown here comes from the items, which come from articles: untrusted. It is
  // only ever set as textContent or as an attribute's value, never as markup.
  const main = document.getElementById('main');
  const key = main.dataset.key || new URLSearchParams(location.search).get('key') || '';
  const queue = document.getElementById('queue');
  const episodes = document.getElementById('episodes');
  const addStatus = document.getElementById('add-status');
  const items = new Map();     // id -> the item as the API gave it
  const rows = new Map();      // id -> its <li> in the queue
  const shelf = new Map();     // id -> its <li> among the episodes
  const watched = new Set();   // ids seen unfinished on this page: shown in the queue once done

  function keyed(address) {
    const url = new URL(address, location.href);
    if (key && url.origin === location.origin && !url.searchParams.has('key')) {
      url.searchParams.set('key', key);
    }
    return url.href;
  }

  async function api(method, path, body) {
    const init = {method, headers: {Accept: 'application/json'}};
    if (key) init.headers.Authorization = 'Bearer ' + key;
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const answer = await fetch(path, init);
    let data = null;
    try { data = await answer.json(); } catch (e) { data = null; }
    if (!answer.ok) {
      const why = data && (data.error || data.detail || data.message);
      throw new Error(typeof why === 'string' ? why : answer.status + ' ' + answer.statusText);
    }
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function stateText(item) {
    if (item.status === 'queued') return 'Queued';
    if (item.status === 'done') return 'Done: listen below';
    if (item.status === 'failed') return 'Failed: ' + (item.error || 'no reason given');
    const stage = item.stage || 'producing';
    const total = item.steps || item.total || 0;
    const words = total ? stage + ' ' + (item.step ?? item.done ?? 0) + ' of ' + total : stage;
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function button(label, name, action) {
    const b = el('button', 'quiet', label);
    b.type = 'button';
    b.setAttribute('aria-label', label + ' “' + name + '”');
    b.addEventListener('click', action);
    return b;
  }

  function queueRow(item) {
    let li = rows.get(item.id);
    if (!li) {
      li = el('li');
      li.id = 'item-' + item.id;
      li.append(el('h3', 'title'), el('p', 'source'), el('p', 'state'), el('progress'));
      li.querySelector('progress').max = 1;
      const actions = el('div', 'actions');
      li.append(actions);
      rows.set(item.id, li);
    }
    const name = item.title || item.source || 'item ' + item.id;
    li.className = 'item ' + item.status;
    li.dataset.status = item.status;
    li.querySelector('.title').textContent = name;
    li.querySelector('.source').textContent = item.source && item.source !== name ? item.source : '';
    const state = li.querySelector('.state');
    if (state.textContent !== stateText(item)) state.textContent = stateText(item);
    const bar = li.querySelector('progress');
    bar.hidden = item.status !== 'producing';
    bar.value = Number(item.progress) || 0;
    bar.setAttribute('aria-label', 'Progress of “' + name + '”');
    const actions = li.querySelector('.actions');
    // A done item's Remove button is with its episode, below.
    const wanted = {failed: 'retry remove', done: ''}[item.status] ?? 'remove';
    if (actions.dataset.made !== wanted) {
      actions.replaceChildren();
      if (item.status === 'failed') actions.append(button('Retry', name, () => retry(item.id)));
      if (wanted) actions.append(button('Remove', name, () => remove(item.id)));
      actions.dataset.made = wanted;
    }
    actions.hidden = !wanted;
    return li;
  }

  function coverOf(item) {
    if (item.cover_url) return item.cover_url;
    return item.page_url ? item.page_url.replace(/\.html(?=$|\?)/, '.png') : null;
  }

  function episodeRow(item) {
    let li = shelf.get(item.id);
    const name = item.title || item.source || 'episode ' + item.id;
    if (!li) {
      li = el('li');
      li.id = 'episode-' + item.id;
      const cover = coverOf(item);
      if (cover) {
        const img = el('img');
        img.alt = '';
        img.width = 80;
        img.height = 80;
        img.addEventListener('error', () => img.remove());
        img.src = keyed(cover);
        li.append(img);
      }
      const body = el('div');
      const audio = el('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = keyed(item.audio_url);
      audio.setAttribute('aria-label', 'Play “' + name + '”');
      const links = el('p', 'actions');
      const read = el('a', '', 'Read along');
      read.href = keyed(item.page_url);
      read.setAttribute('aria-label', 'Read along: “' + name + '”');
      links.append(read, button('Remove', name, () => remove(item.id)));
      body.append(el('h3', '', name), audio, links);
      li.append(body);
      shelf.set(item.id, li);
    }
    return li;
  }

  function render() {
    const all = Array.from(items.values()).sort((a, b) => b.id - a.id);
    const inQueue = all.filter(i => i.status !== 'done' || watched.has(i.id));
    const done = all.filter(i => i.status === 'done' && i.audio_url);
    for (const [id, li] of rows) if (!inQueue.some(i => i.id === id)) { li.remove(); rows.delete(id); }
    for (const [id, li] of shelf) if (!done.some(i => i.id === id)) { li.remove(); shelf.delete(id); }
    inQueue.forEach((item, n) => {
      const li = queueRow(item);
      if (queue.children[n] !== li) queue.insertBefore(li, queue.children[n] || null);
    });
    done.forEach((item, n) => {
      const li = episodeRow(item);
      if (episodes.children[n] !== li) episodes.insertBefore(li, episodes.children[n] || null);
    });
    document.getElementById('queue-empty').hidden = inQueue.length > 0;
    document.getElementById('episodes-empty').hidden = done.length > 0;
  }

  function take(item) {
    if (item.status !== 'done') watched.add(item.id);
    items.set(item.id, Object.assign(items.get(item.id) || {}, item));
  }

  let asking = null;
  async function refresh() {
    if (asking) return asking;
    asking = api('GET', '/api/items').then(list => {
      const seen = new Set();
      for (const item of list) { take(item); seen.add(item.id); }
      for (const id of Array.from(items.keys())) if (!seen.has(id)) items.delete(id);
      render();
    }).catch(() => {}).finally(() => { asking = null; });
    return asking;
  }

  let soon = null;
  function refreshSoon() {
    clearTimeout(soon);
    soon = setTimeout(refresh, 250);
  }

  let polling = null;
  function poll() { if (!polling) polling = setInterval(refresh, 2000); }
  function listen() {
    if (!window.EventSource) { poll(); return; }
    const events = new EventSource(keyed('/api/events'));
    const changed = event => {
      let item = null;
      try { item = JSON.parse(event.data); } catch (e) { item = null; }
      // A full item (as GET /api/items gives it) is shown at once; anything else, or an item
      // finishing, is followed by the whole list.
      if (item && item.id !== undefined && items.has(item.id) && item.status !== 'done') {
        take(item);
        render();
      } else {
        refreshSoon();
      }
    };
    events.addEventListener('message', changed);
    events.addEventListener('item', changed);
    events.addEventListener('open', () => {
      if (polling) { clearInterval(polling); polling = null; }
      refresh();
    });
    events.addEventListener('error', poll);
  }

  function tell(text, bad) {
    addStatus.textContent = text;
    addStatus.classList.toggle('bad', Boolean(bad));
  }

  async function add(form, body) {
    const submit = form.querySelector('button');
    submit.disabled = true;
    try {
      const answer = await api('POST', '/api/items', body);
      tell('Added to the queue.');
      form.reset();
      if (answer && answer.id !== undefined) watched.add(answer.id);
      await refresh();
    } catch (error) {
      tell('Not added: ' + error.message, true);
    } finally {
      submit.disabled = false;
    }
  }

  document.getElementById('add-url').addEventListener('submit', event => {
    event.preventDefault();
    add(event.target, {url: document.getElementById('url').value.trim()});
  });
  document.getElementById('add-file').addEventListener('submit', event => {
    event.preventDefault();
    const body = new FormData();
    body.append('file', document.getElementById('file').files[0]);
    add(event.target, body);
  });

  async function retry(id) {
    try { await api('POST', '/api/items/' + id + '/retry'); watched.add(id); await refresh(); }
    catch (error) { tell('Not retried: ' + error.message, true); }
  }

  async function remove(id) {
    const item = items.get(id);
    const name = item ? item.title || item.source : 'this item';
    if (!window.confirm('Remove “' + name + '” and its episode?')) return;
    try {
      await api('DELETE', '/api/items/' + id);
      items.delete(id);
      render();
      tell('Removed “' + name + '”.');
    } catch (error) {
      tell('Not removed: ' + error.message, true);
    }
  }

  const feed = document.getElementById('feed');
  document.getElementById('copy').addEventListener('click', async () => {
    const copied = document.getElementById('copied');
    try {
      await navigator.clipboard.writeText(feed.value);
      copied.textContent = 'Copied.';
    } catch (e) {
      feed.select();  // without a secure context there is no clipboard API: the old way
      copied.textContent = document.execCommand('copy')
        ? 'Copied.' : 'Selected: copy it with your device’s copy command.';
    }
  });

  refresh();
  listen();
})();
