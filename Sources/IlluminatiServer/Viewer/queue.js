// illuminati queue dashboard: builds with their stages and progress, running jobs, dead letters
// with their errors, and workers, from /api/queue every few seconds. When the server was
// started with --admin-token the actions (pause, resume, cancel, retry) show, and each sends the
// token typed here as `Authorization: Bearer`; it is kept for this tab only (sessionStorage).
// Everything the database says is written as text, never as HTML.
'use strict';

const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);
const dashboard = { data: null, busy: false };
window.illuminatiQueue = dashboard;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function message(text) { $('message').textContent = text || ''; }

function seconds(value) {
  if (value === undefined || value === null) return '';
  if (value < 90) return `${value.toFixed(1)} s`;
  if (value < 5400) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

function table(headings, rows, emptyText) {
  if (rows.length === 0) return el('p', { class: 'empty' }, emptyText);
  return el('table', {}, el('tr', {}, ...headings.map((h) => el('th', {}, h))), ...rows);
}

function progressBar(stage) {
  const total = Math.max(1, stage.total);
  const part = (n) => `${(100 * n / total).toFixed(2)}%`;
  const done = stage.succeeded + stage.cancelled;
  return el('div', { class: 'bar', title: `${done}/${stage.total} done, ${stage.running} running, ${stage.failed} failed` },
    el('span', { class: 'done', style: `left: 0; width: ${part(done)}` }),
    el('span', { class: 'running', style: `left: ${part(done)}; width: ${part(stage.running)}` }),
    el('span', { class: 'failed', style: `left: ${part(done + stage.running)}; width: ${part(stage.failed)}` }));
}

async function act(path, what) {
  const token = $('token').value.trim();
  sessionStorage.setItem('illuminati-admin-token', token);
  dashboard.busy = true;
  try {
    const response = await fetch(path, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      message(`${what}: ${(body.error && body.error.message) || `HTTP ${response.status}`}`);
    } else {
      const outcome = body.data;
      message(`${what}: build ${outcome.build} ${outcome.build_state}, ${outcome.jobs} job(s)`);
    }
  } catch (error) {
    message(`${what}: ${error.message}`);
  } finally {
    dashboard.busy = false;
  }
  await refresh();
}

function actionButton(label, path, what, extra) {
  return el('button', Object.assign({ type: 'button', onclick: () => act(path, what) }, extra), label);
}

function buildSection(build, admin) {
  const base = `/api/queue/builds/${build.id}`;
  const buttons = [];
  if (admin) {
    if (build.state === 'running') buttons.push(actionButton('pause', `${base}/pause`, `pause build ${build.id}`, { 'data-action': 'pause' }));
    if (build.state === 'paused') buttons.push(actionButton('resume', `${base}/resume`, `resume build ${build.id}`, { 'data-action': 'resume' }));
    if (build.failed.length > 0) buttons.push(actionButton('retry failed', `${base}/retry`, `retry build ${build.id}`, { 'data-action': 'retry-build' }));
    if (['planned', 'running', 'paused'].includes(build.state)) {
      buttons.push(actionButton('cancel', `${base}/cancel`, `cancel build ${build.id}`, { 'data-action': 'cancel' }));
    }
  }
  const stages = table(['layer', 'stage', 'state', 'progress', 'done', 'running', 'failed', 'jobs/s', 'ETA'],
    build.stages.map((s) => el('tr', {}, el('td', {}, s.layer), el('td', {}, s.stage), el('td', {}, s.state),
      el('td', {}, progressBar(s)), el('td', {}, `${s.succeeded + s.cancelled}/${s.total}`), el('td', {}, s.running),
      el('td', {}, s.failed), el('td', {}, s.jobs_per_second), el('td', {}, seconds(s.eta_seconds)))),
    'no stages');
  const running = table(['job', 'layer', 'stage', 'kind', 'attempt', 'host', 'pid', 'runtime'],
    build.running.map((j) => el('tr', {}, el('td', {}, j.id), el('td', {}, j.layer), el('td', {}, j.stage), el('td', {}, j.kind),
      el('td', {}, `${j.attempt}/${j.max_attempts}`), el('td', {}, (j.worker && j.worker.host) || 'gone'),
      el('td', {}, (j.worker && j.worker.pid) || ''), el('td', {}, seconds(j.runtime_seconds)))),
    'nothing running');
  const failed = table(['job', 'layer', 'stage', 'kind', 'attempts', 'last error', 'file', ''],
    build.failed.map((j) => el('tr', { 'data-job': j.id }, el('td', {}, j.id), el('td', {}, j.layer), el('td', {}, j.stage),
      el('td', {}, j.kind), el('td', {}, `${j.attempt}/${j.max_attempts}`), el('td', { class: 'error' }, j.last_error || ''),
      el('td', { class: 'file' }, j.file || ''),
      el('td', {}, admin ? actionButton('retry', `/api/queue/jobs/${j.id}/retry`, `retry job ${j.id}`,
        { 'data-action': 'retry-job', 'data-job': j.id }) : null))),
    'no dead letters');
  return el('div', { class: 'build', 'data-build': build.id },
    el('div', { class: 'title' }, el('strong', {}, `build ${build.id}`), el('span', {}, build.experiment),
      el('span', { class: `state ${build.state}` }, build.state), ...buttons),
    stages, el('h3', {}, 'Running'), running, el('h3', {}, 'Dead letters'), failed);
}

function render(data) {
  const builds = $('builds');
  builds.replaceChildren(el('h2', {}, 'Builds'),
    ...(data.builds.length ? data.builds.map((b) => buildSection(b, data.admin)) : [el('p', { class: 'empty' }, 'no builds')]));
  $('workers').replaceChildren(el('tr', {}, ...['host', 'pid', 'alive', 'state', 'running', 'kinds', 'heard'].map((h) => el('th', {}, h))),
    ...data.workers.map((w) => el('tr', {}, el('td', {}, w.host), el('td', {}, w.pid), el('td', {}, w.alive ? 'yes' : 'no'),
      el('td', {}, w.state), el('td', {}, `${w.running_jobs}/${w.concurrency}`), el('td', {}, w.kinds.join(', ')),
      el('td', {}, `${seconds(w.heartbeat_age_seconds)} ago`))));
  $('token-label').hidden = !data.admin;
  $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function refresh() {
  try {
    const response = await fetch('/api/queue');
    if (!response.ok) throw new Error(`/api/queue: HTTP ${response.status}`);
    dashboard.data = (await response.json()).data;
    render(dashboard.data);
  } catch (error) {
    message(error.message);
  }
}

$('token').value = sessionStorage.getItem('illuminati-admin-token') || '';
refresh();
setInterval(() => { if (!dashboard.busy) refresh(); }, REFRESH_MS);
