// illuminati web viewer: any set of channel layers of one experiment, across cycles, time points
// and z planes, at once. Each layer switched on is a grayscale DeepZoom source, tinted and
// windowed per layer on the client, blended additively ('lighter'), with plate / well / site
// outlines from the map-object API. The URL follows what is shown (selection.js).
// A scale bar shows when the experiment's pixel size is known (experiment create --pixel-size).
'use strict';

const PALETTE = ['#3f7fff', '#00ff00', '#ff2020', '#ff00ff', '#00ffff', '#ffff00', '#ff8000', '#ffffff'];
const OUTLINE_COLOURS = { Plates: '#ffffff', Wells: '#ffcc00', Sites: '#00ccff' };
const params = new URLSearchParams(location.search);
const bare = params.get('bare') === '1';
if (bare) document.body.classList.add('bare');

const state = {
  experiment: null,      // /api/experiments/{id} data
  layers: [],            // every layer: {info, colour, min, max, visible, item, loading, lut}
  outlines: {},          // type -> {enabled, features, box}
  viewer: null,
  framed: false,         // the first view of the experiment is set (home, or the URL's view)
  opening: 0,            // counts openExperiment calls: answers for an earlier one are dropped
};
window.illuminati = state;

const $ = (id) => document.getElementById(id);
function message(text) { $('message').textContent = text || ''; }

async function getJSON(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json());
}

// ---- colour lookup tables ------------------------------------------------------------------

function hexToRGB(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// byte v of a tile → RGB: window [min, max] (tile bytes) stretched to 0…1, times the colour.
function buildLUT(layer) {
  const lut = new Uint8ClampedArray(256 * 3);
  const [r, g, b] = hexToRGB(layer.colour);
  const span = Math.max(1, layer.max - layer.min);
  for (let v = 0; v < 256; v++) {
    const s = Math.min(1, Math.max(0, (v - layer.min) / span));
    lut[v * 3] = r * s; lut[v * 3 + 1] = g * s; lut[v * 3 + 2] = b * s;
  }
  layer.lut = lut;
}

// ---- viewer ----------------------------------------------------------------------------------

function makeViewer() {
  const viewer = OpenSeadragon({
    id: 'osd',
    prefixUrl: '/viewer/openseadragon/images/',
    drawer: 'canvas',
    showNavigator: !bare,
    showNavigationControl: !bare,
    showRotationControl: false,
    navigatorPosition: 'TOP_RIGHT',
    maxZoomPixelRatio: 4,
    visibilityRatio: 0.5,
    imageLoaderLimit: 8,
    animationTime: bare ? 0 : 1.0,
    blendTime: 0,
    immediateRender: bare,
  });
  // Tints and windows each tile of a layer when it arrives and whenever requestInvalidate()
  // runs (colour or contrast changed); the original grayscale data stays cached. The
  // navigator's tiles come here too, from its copy of the layer's image.
  viewer.addHandler('tile-invalidated', async (event) => {
    const image = event.tiledImage._originalForNavigator || event.tiledImage;
    const layer = state.layers.find((l) => l.item === image);
    if (!layer) return;
    const context = await event.getData('context2d');
    if (!context || event.outdated()) return;
    const { width, height } = context.canvas;
    const pixels = context.getImageData(0, 0, width, height);
    const data = pixels.data, lut = layer.lut;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i] * 3;
      data[i] = lut[v]; data[i + 1] = lut[v + 1]; data[i + 2] = lut[v + 2]; data[i + 3] = 255;
    }
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    const out = canvas.getContext('2d', { willReadFrequently: true });
    out.putImageData(pixels, 0, 0);
    await event.setData(out, 'context2d');
  });
  viewer.addHandler('animation', drawOutlines);
  viewer.addHandler('resize', drawOutlines);
  viewer.addHandler('animation-finish', () => { fetchOutlines(); keepInURL(); });
  new OpenSeadragon.MouseTracker({ element: viewer.canvas, moveHandler: (e) => showCursor(e.position) });
  return viewer;
}

// Opens experiment `id` with the URL's selection and view when `fromURL`, else with the default.
async function openExperiment(id, fromURL) {
  message('');
  const opening = ++state.opening;
  const experiment = (await getJSON(`/api/experiments/${id}`)).data;
  if (opening !== state.opening) return;
  state.experiment = experiment;
  state.framed = false;
  state.wantedView = fromURL ? Selection.view(params) : null;
  state.viewer.world.removeAll();
  const chosen = (fromURL ? Selection.layers(params) : null) || defaultSelection(experiment);
  const channelNames = experiment.channels.map((c) => c.name);
  state.layers = experiment.layers.map((info) => {
    const index = channelNames.indexOf(info.channel);
    const setting = info.built ? chosen.get(info.name) : undefined;
    const layer = { info, colour: PALETTE[(index < 0 ? 0 : index) % PALETTE.length], min: 0, max: 255,
                    visible: setting !== undefined, item: null, loading: false, lut: null };
    Object.assign(layer, setting);
    buildLUT(layer);
    return layer;
  });
  renderLayerList($('layers'), state.layers, {
    visible: (layer, visible) => { setVisible(layer, visible, { freeColour: true }); },
    colour: retint,
    window: retint,
  });
  setupOutlines(experiment);
  setupScalebar(experiment);
  if (!fromURL) keepInURL();
  if (!state.layers.some((l) => l.info.built)) message('No layer of this experiment has a pyramid yet.');
  for (const layer of state.layers) if (layer.visible) addLayer(layer);
  settle();
}

// The layers of one cycle / time point / z plane (group=, else the first), less those in hide=.
function defaultSelection(experiment) {
  const built = experiment.layers.filter((l) => l.built);
  const groups = [...new Set(built.map(groupKey))];
  const group = groups.includes(params.get('group')) ? params.get('group') : groups[0];
  const hidden = new Set((params.get('hide') || '').split(',').filter(Boolean));
  return new Map(built.filter((l) => groupKey(l) === group && !hidden.has(l.name)).map((l) => [l.name, {}]));
}

// Base-level pyramid pixels are site pixels, so the experiment's pixel size sets the scale.
function setupScalebar(experiment) {
  const viewer = state.viewer;
  const known = experiment.pixel_size_um > 0 && !bare;
  // pixelsPerMeter 0 hides the bar (switching to an experiment without a pixel size).
  viewer.scalebar({
    type: OpenSeadragon.ScalebarType.MICROSCOPY,
    pixelsPerMeter: known ? 1e6 / experiment.pixel_size_um : 0,
    location: OpenSeadragon.ScalebarLocation.BOTTOM_LEFT,
    xOffset: 12, yOffset: 12, stayInsideImage: false,
    color: '#ffffff', fontColor: '#ffffff', backgroundColor: 'rgba(0, 0, 0, 0.5)',
    fontSize: 'small', barThickness: 2,
  });
}

function addLayer(layer) {
  const viewer = state.viewer, opening = state.opening;
  layer.loading = true;
  viewer.addTiledImage({
    tileSource: layer.info.urls.dzi,
    compositeOperation: 'lighter',
    success: (event) => {
      layer.loading = false;
      // Switched off, or another experiment opened, while it was on its way.
      if (!layer.visible || opening !== state.opening) viewer.world.removeItem(event.item);
      else layer.item = event.item;
      settle();
    },
    error: (event) => {
      layer.loading = false;
      message(`${layer.info.name}: ${event.message}`);
      settle();
    },
  });
}

// Once the experiment's first layers are open (they load in any order), shows the URL's view
// or the whole map, every plate of it. goHome(true) fires no animation event, so outlines are
// fetched and drawn here as well.
function settle() {
  if (state.framed || state.layers.some((l) => l.loading)) return;
  const item = firstItem();
  if (!item) return;
  const view = state.wantedView;
  if (view) state.viewer.viewport.fitBounds(item.imageToViewportRectangle(view.x, view.y, view.width, view.height), true);
  else state.viewer.viewport.goHome(true);
  state.framed = true;
  fetchOutlines();
  drawOutlines();
  keepInURL();
}

// `freeColour`: a layer switched on in the panel takes a colour no other shown layer has, so
// that the same channel of two cycles can be told apart.
function setVisible(layer, visible, { freeColour = false } = {}) {
  if (visible === layer.visible || (visible && !layer.info.built)) return;
  layer.visible = visible;
  if (visible) {
    const taken = new Set(state.layers.filter((l) => l.visible && l !== layer).map((l) => l.colour));
    if (freeColour && taken.has(layer.colour)) {
      layer.colour = PALETTE.find((c) => !taken.has(c)) || layer.colour;
      buildLUT(layer);
    }
    if (!layer.item && !layer.loading) addLayer(layer);
  } else if (layer.item) {
    state.viewer.world.removeItem(layer.item);
    layer.item = null;
  }
  keepInURL();
}
// True once an experiment is open, its view set, and every layer switched on has all tiles it
// needs for that view.
state.ready = () => {
  const shown = state.layers.filter((l) => l.visible);
  return state.experiment !== null && (state.framed || shown.length === 0)
    && shown.every((l) => l.item && l.item.getFullyLoaded());
};
// True once every enabled outline type has been fetched for the current view.
state.outlinesReady = () => Object.values(state.outlines).every((o) => !o.enabled || o.box !== null);
state.setVisible = (name, visible) => {
  const layer = state.layers.find((l) => l.info.name === name);
  if (layer) setVisible(layer, visible);
};

let retintTimer = null;
function retint(layer) {
  buildLUT(layer);
  clearTimeout(retintTimer);
  retintTimer = setTimeout(() => state.viewer.requestInvalidate(), 60);
  keepInURL();
}

// Rewrites the URL (without a new history entry) a moment after the last change: sliders
// change many times a second, and browsers throttle replaceState.
let urlTimer = null;
function keepInURL() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    if (!state.experiment) return;
    const item = state.framed ? firstItem() : null;
    const view = item ? item.viewportToImageRectangle(state.viewer.viewport.getBounds(true)) : null;
    const outlines = Object.keys(state.outlines).filter((type) => state.outlines[type].enabled);
    history.replaceState(null, '', Selection.query({ experiment: state.experiment.id, layers: state.layers,
                                                     view, outlines, bare }));
  }, 150);
}

// ---- outlines ---------------------------------------------------------------------------------

function setupOutlines(experiment) {
  const container = $('outlines');
  container.innerHTML = '';
  const enabled = new Set((params.get('outlines') || '').split(',').filter(Boolean));
  state.outlines = {};
  for (const type of Object.keys(experiment.mapobject_types).sort()) {
    state.outlines[type] = { enabled: enabled.has(type), features: [], box: null };
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = state.outlines[type].enabled;
    box.onchange = () => { state.outlines[type].enabled = box.checked; fetchOutlines(); drawOutlines(); keepInURL(); };
    label.append(box, `${type} (${experiment.mapobject_types[type]})`);
    container.appendChild(label);
  }
  fetchOutlines();
}

function firstItem() { return state.layers.find((l) => l.item)?.item || null; }

// The visible part of the image, in pixels, grown by half a screen each way.
function visibleImageRect() {
  const item = firstItem();
  if (!item) return null;
  const bounds = item.viewportToImageRectangle(state.viewer.viewport.getBounds(true));
  return { x0: bounds.x - bounds.width / 2, y0: bounds.y - bounds.height / 2,
           x1: bounds.x + bounds.width * 1.5, y1: bounds.y + bounds.height * 1.5 };
}

async function fetchOutlines() {
  const experiment = state.experiment;
  if (!experiment) return;
  for (const [type, outline] of Object.entries(state.outlines)) {
    if (!outline.enabled) continue;
    const rect = visibleImageRect() || { x0: 0, y0: 0, x1: experiment.pyramid.width, y1: experiment.pyramid.height };
    const r = (v) => Math.round(v);
    // Map coordinates: x to the right, y = -row.
    const bbox = `${r(rect.x0)},${r(-rect.y1)},${r(rect.x1)},${r(-rect.y0)}`;
    if (outline.box === bbox) continue;
    try {
      const collection = await getJSON(`/api/experiments/${experiment.id}/mapobjects/${type}?bbox=${bbox}`);
      outline.features = collection.features;
      outline.box = bbox;
      drawOutlines();
    } catch (error) { message(String(error)); }
  }
}

function drawOutlines() {
  const canvas = $('overlay');
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, width, height);
  const item = firstItem();
  if (!item) return;
  for (const [type, outline] of Object.entries(state.outlines)) {
    if (!outline.enabled) continue;
    context.strokeStyle = OUTLINE_COLOURS[type] || '#ffffff';
    context.lineWidth = type === 'Plates' ? 2 : 1;
    context.beginPath();
    for (const feature of outline.features) {
      const geometry = feature.geometry;
      const polygons = geometry.type === 'Polygon' ? [geometry.coordinates]
        : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
      for (const rings of polygons) for (const ring of rings) {
        ring.forEach(([x, y], i) => {
          const p = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(x, -y));
          if (i === 0) context.moveTo(p.x, p.y); else context.lineTo(p.x, p.y);
        });
        context.closePath();
      }
    }
    context.stroke();
  }
}

// ---- well and site under the cursor ------------------------------------------------------------

function showCursor(position) {
  const item = firstItem(), experiment = state.experiment;
  if (!item || !experiment) return;
  const p = item.viewerElementToImageCoordinates(position);
  const x = Math.floor(p.x), y = Math.floor(p.y);
  let text = `x ${x}  y ${y}`;
  for (const plate of experiment.plates) {
    for (const well of plate.wells) {
      if (x < well.offset.x || y < well.offset.y || x >= well.offset.x + well.size.width || y >= well.offset.y + well.size.height) continue;
      text = `${plate.name} · well ${well.name} · ${text}`;
      const site = well.sites.find((s) => x >= s.offset.x && y >= s.offset.y
        && x < s.offset.x + experiment.site_size.width && y < s.offset.y + experiment.site_size.height);
      if (site) text += ` · site ${site.y},${site.x}`;
    }
  }
  $('cursor').textContent = text;
}

// ---- start -------------------------------------------------------------------------------------

async function start() {
  state.viewer = makeViewer();
  try {
    const experiments = (await getJSON('/api/experiments')).data;
    const select = $('experiment');
    for (const e of experiments) select.add(new Option(`${e.name} (#${e.id})`, e.id));
    if (experiments.length === 0) { message('No experiments yet: create one with `illuminati experiment create`.'); return; }
    const wanted = params.get('experiment');
    select.value = experiments.some((e) => String(e.id) === wanted) ? wanted : String(experiments[0].id);
    select.onchange = () => openExperiment(select.value, false).catch((error) => message(String(error)));
    await openExperiment(select.value, true);
  } catch (error) {
    message(String(error));
  }
}
start();
