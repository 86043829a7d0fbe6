// The viewer's URL parameters: what they select, and the query that selects what is shown now,
// so that a copied URL reopens the same picture.
//
//   experiment=<id>
//   layers=<name>[:<rrggbb>[:<min>:<max>]],…   the layers switched on, each with its colour and its
//                                               window in tile bytes (0…255); empty: none
//   view=<x>,<y>,<width>,<height>              the visible part of the image, in base-level pixels
//   outlines=<Type>,…                          outline types switched on
//   bare=1                                     only the image (no panel, controls or scale bar)
//
// Without `layers`, every built layer of group=<cycle>/<tpoint>/<zplane> (the first group when
// absent) is on, except those named in hide=<layer>,… (the URLs of earlier versions).
'use strict';

const Selection = {
  // name → {colour?, min?, max?} of every layer to switch on, or null for the default selection.
  layers(params) {
    if (!params.has('layers')) return null;
    const chosen = new Map();
    for (const entry of params.get('layers').split(',').filter(Boolean)) {
      const [name, colour, min, max] = entry.split(':');
      const setting = {};
      if (/^[0-9a-fA-F]{6}$/.test(colour || '')) setting.colour = `#${colour.toLowerCase()}`;
      const lower = Selection.byte(min), upper = Selection.byte(max);
      if (lower !== null && upper !== null && lower < upper) { setting.min = lower; setting.max = upper; }
      chosen.set(name, setting);
    }
    return chosen;
  },

  byte(text) {
    if (!/^\d{1,3}$/.test(text || '')) return null;
    const value = Number(text);
    return value <= 255 ? value : null;
  },

  // {x, y, width, height} in base-level pixels, or null.
  view(params) {
    const numbers = (params.get('view') || '').split(',').map(Number);
    if (numbers.length !== 4 || !numbers.every(Number.isFinite) || numbers[2] <= 0 || numbers[3] <= 0) return null;
    const [x, y, width, height] = numbers;
    return { x, y, width, height };
  },

  // The query string for this state; names are encoded, the separators stay readable.
  query({ experiment, layers, view, outlines, bare }) {
    const parts = [`experiment=${encodeURIComponent(experiment)}`];
    const shown = layers.filter((l) => l.visible)
      .map((l) => [encodeURIComponent(l.info.name), l.colour.slice(1), l.min, l.max].join(':'));
    parts.push(`layers=${shown.join(',')}`);
    if (view) parts.push(`view=${[view.x, view.y, view.width, view.height].map(Math.round).join(',')}`);
    if (outlines.length > 0) parts.push(`outlines=${outlines.map(encodeURIComponent).join(',')}`);
    if (bare) parts.push('bare=1');
    return `?${parts.join('&')}`;
  },
};
