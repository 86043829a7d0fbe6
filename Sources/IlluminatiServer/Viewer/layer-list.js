// The panel's list of every layer of the experiment, grouped by cycle / time point / z plane:
// per layer on/off, colour, and (while on) its window as two sliders labelled in raw intensities.
'use strict';

function groupKey(info) { return `${info.cycle}/${info.tpoint}/${info.zplane}`; }

function groupTitle(info) { return `Cycle ${info.cycle} · time ${info.tpoint} · z ${info.zplane}`; }

// `on` receives the user's changes: visible(layer, checked), colour(layer), window(layer).
function renderLayerList(container, layers, on) {
  container.innerHTML = '';
  const groups = new Map();
  for (const layer of layers) {
    const key = groupKey(layer.info);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(layer);
  }
  for (const members of groups.values()) {
    const group = document.createElement('details');
    group.className = 'group';
    // Groups with nothing switched on start folded, so that many cycles stay one screen.
    group.open = groups.size === 1 || members.some((l) => l.visible);
    const summary = document.createElement('summary');
    summary.textContent = groupTitle(members[0].info);
    group.appendChild(summary);
    for (const layer of members) group.appendChild(layerControl(layer, on));
    container.appendChild(group);
  }
}

function layerControl(layer, on) {
  const { info } = layer;
  const lower = info.min_intensity ?? 0, upper = info.max_intensity ?? 255;
  const raw = (byte) => Math.round(lower + (byte / 255) * (upper - lower));
  const box = document.createElement('div');
  box.className = 'layer';
  box.dataset.layer = info.name;
  box.innerHTML = `
    <div class="head"><input type="checkbox" class="visible"><input type="color"><span></span></div>
    <div class="window">
      <div class="range"><span>min</span><input type="range" min="0" max="255" step="1" class="min"><output class="min"></output></div>
      <div class="range"><span>max</span><input type="range" min="0" max="255" step="1" class="max"><output class="max"></output></div>
    </div>`;
  const visible = box.querySelector('input.visible'), colour = box.querySelector('input[type=color]');
  const name = box.querySelector('.head span');
  name.textContent = info.name;
  name.title = info.built ? `${info.name}: window ${lower}…${upper}` : `${info.name}: no pyramid yet`;
  visible.checked = layer.visible;
  visible.disabled = !info.built;
  colour.value = layer.colour;
  const windowBox = box.querySelector('.window');
  windowBox.hidden = !layer.visible;
  const minInput = box.querySelector('input.min'), maxInput = box.querySelector('input.max');
  const minOut = box.querySelector('output.min'), maxOut = box.querySelector('output.max');
  minInput.value = layer.min; maxInput.value = layer.max;
  const show = () => { minOut.textContent = raw(layer.min); maxOut.textContent = raw(layer.max); };
  show();
  visible.onchange = () => {
    on.visible(layer, visible.checked);
    colour.value = layer.colour;
    windowBox.hidden = !layer.visible;
  };
  colour.oninput = () => { layer.colour = colour.value; on.colour(layer); };
  minInput.oninput = () => { layer.min = Math.min(+minInput.value, layer.max - 1); minInput.value = layer.min; show(); on.window(layer); };
  maxInput.oninput = () => { layer.max = Math.max(+maxInput.value, layer.min + 1); maxInput.value = layer.max; show(); on.window(layer); };
  return box;
}
