// The MapLibre map: the service's vector tiles as a choropleth (the gemeenten of the Netherlands,
// or the wijken or buurten of one gemeente with the wijken around it faded), with gemeente and
// wijk outlines, labels from the API (no glyph server needed offline), hover, click and
// shift-click, and a PNG.

import * as api from './api.js';
import { NO_DATA_COLOR } from './classes.js';
import { declutter, labelPriority, labelShown, wrapLines } from './labels.js';

const LEVELS = ['gemeente', 'wijk', 'buurt'];
/** The filled layers: the one of each level, and `context-fill`, the wijken around the gemeente. */
const FILL_LAYERS = { 'gemeente-fill': 'gemeente', 'context-fill': 'wijk', 'wijk-fill': 'wijk', 'buurt-fill': 'buurt' };
const OVERLAY_LAYERS = [
  ...Object.keys(FILL_LAYERS), 'buurt-line', 'wijk-line', 'gemeente-line', 'gemeente-current',
  ...LEVELS.flatMap((l) => [`${l}-hover`, `${l}-selected`]),
];
/** How opaque the wijken around the chosen gemeente are drawn (its own regions: 0.88). */
export const CONTEXT_OPACITY = 0.35;
const EMPTY_STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0f2' } }],
};

/** A MapLibre filter: the regions whose code lies in gemeente `gemeente` (GM0344: ..0344..). */
const insideOf = (gemeente) => ['==', ['slice', ['get', 'code'], 2, 6], gemeente.slice(2)];

export class ChoroplethMap {
  /**
   * @param {HTMLElement} container
   * @param {{baseStyleUrl?: string, onHover: Function, onClick: Function, onViewChange?: Function}} options
   */
  constructor(container, { baseStyleUrl, onHover, onClick, onViewChange }) {
    this.onHover = onHover;
    this.onClick = onClick;
    this.level = 'buurt';
    this.labels = [];
    this.targetZoom = null;
    this.map = new maplibregl.Map({
      container,
      style: baseStyleUrl || EMPTY_STYLE,
      center: [5.1, 52.09],
      zoom: 11,
      hash: true,
      attributionControl: { compact: false, customAttribution: 'Bron: CBS, RIVM, Kadaster' },
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      dragRotate: false,
      // Shift-click selects buurten for an area, so shift-drag must not start a box zoom.
      boxZoom: false,
      pitchWithRotate: false,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.touchZoomRotate.disableRotation();
    this.ready = new Promise((resolve) => {
      this.map.on('load', () => resolve());
    });
    // A flight's end (or any other move) may call for another view (see view.js).
    this.map.on('moveend', () => {
      this.targetZoom = null;
      onViewChange?.();
    });
    this.hovered = null;
  }

  /** The zoom the map is at, or is flying to. */
  zoom() {
    return this.targetZoom ?? this.map.getZoom();
  }

  /** Sources, layers and their events, once the (base) style has loaded. */
  async init() {
    await this.ready;
    this.view = null;
    this.selection = [];
    // One listener for all filled layers: the region on top under the pointer.
    this.map.on('mousemove', (e) => this.hover(this.regionAt(e.point), e.point));
    this.map.getCanvas().addEventListener('mouseleave', () => this.hover(null));
    this.map.on('click', (e) => {
      const f = this.regionAt(e.point);
      if (f) this.onClick(f.properties.code, f.kind, e.originalEvent.shiftKey);
    });
  }

  /** The region drawn at a screen point: its properties, level, source and kind (`context`: a wijk around the gemeente). */
  regionAt(point) {
    const layers = Object.keys(FILL_LAYERS).filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
    if (!layers.length) return null;
    const [f] = this.map.queryRenderedFeatures(point, { layers });
    if (!f) return null;
    const source = FILL_LAYERS[f.layer.id];
    return { id: f.id, properties: f.properties, source, level: source, kind: f.layer.id === 'context-fill' ? 'context' : 'main' };
  }

  /**
   * Adds the service's sources (tiles carrying one indicator of one year, with `clusters` its
   * cluster labels) anew.
   */
  addSources(indicator, year, clusters) {
    for (const layer of LEVELS) {
      if (this.map.getSource(layer)) this.map.removeSource(layer);
    }
    for (const layer of LEVELS) {
      this.map.addSource(layer, {
        type: 'vector',
        tiles: [api.tileUrl(layer, indicator, year, clusters)],
        minzoom: 0,
        maxzoom: 14,
        promoteId: 'code',
      });
    }
  }

  /** The layers of `this.view` (sources already there). */
  addLayers() {
    const { level, fill, contextFill, gemeente } = this.view;
    const inside = gemeente ? insideOf(gemeente) : null;
    const selected = ['in', ['get', 'code'], ['literal', this.selection]];
    const visibility = (shown) => ({ visibility: shown ? 'visible' : 'none' });
    // The gemeenten of the Netherlands, in their own classes.
    this.map.addLayer({
      id: 'gemeente-fill', type: 'fill', source: 'gemeente', 'source-layer': 'gemeente',
      layout: visibility(level === 'gemeente'),
      paint: { 'fill-color': level === 'gemeente' ? fill : NO_DATA_COLOR, 'fill-opacity': 0.88 },
    });
    // Zoomed in on a gemeente: the wijken around it, faded, in the gemeente's classes (a click
    // there chooses their gemeente).
    this.map.addLayer({
      id: 'context-fill', type: 'fill', source: 'wijk', 'source-layer': 'wijk',
      ...(inside ? { filter: ['!', inside] } : {}),
      layout: visibility(level !== 'gemeente' && Boolean(inside)),
      paint: { 'fill-color': level !== 'gemeente' ? contextFill : NO_DATA_COLOR, 'fill-opacity': CONTEXT_OPACITY },
    });
    for (const l of ['wijk', 'buurt']) {
      this.map.addLayer({
        id: `${l}-fill`, type: 'fill', source: l, 'source-layer': l,
        ...(inside ? { filter: inside } : {}),
        layout: visibility(l === level),
        paint: { 'fill-color': l === level ? fill : NO_DATA_COLOR, 'fill-opacity': 0.88 },
      });
    }
    this.map.addLayer({
      id: 'buurt-line', type: 'line', source: 'buurt', 'source-layer': 'buurt',
      minzoom: 10,
      ...(inside ? { filter: inside } : {}),
      layout: visibility(level === 'buurt'),
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.3, 15, 1.2], 'line-opacity': 0.9 },
    });
    // Wijk outlines with the wijken (not over the national map); fainter around the gemeente.
    const ownWijk = inside ?? true;
    this.map.addLayer({
      id: 'wijk-line', type: 'line', source: 'wijk', 'source-layer': 'wijk',
      layout: visibility(level !== 'gemeente'),
      paint: {
        'line-color': ['case', ownWijk, '#333333', '#7a8088'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, ['case', ownWijk, 0.6, 0.3], 15, ['case', ownWijk, 2.2, 1]],
      },
    });
    this.map.addLayer({
      id: 'gemeente-line', type: 'line', source: 'gemeente', 'source-layer': 'gemeente',
      paint: { 'line-color': '#111111', 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.3, 9, 0.8, 15, 3.5] },
    });
    // The chosen gemeente, outlined on every map.
    this.map.addLayer({
      id: 'gemeente-current', type: 'line', source: 'gemeente', 'source-layer': 'gemeente',
      filter: ['==', ['get', 'code'], gemeente ?? ''],
      paint: { 'line-color': '#0b5cad', 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1.5, 12, 4] },
    });
    for (const l of LEVELS) {
      this.map.addLayer({
        id: `${l}-hover`, type: 'line', source: l, 'source-layer': l,
        layout: visibility(l === level || (l === 'wijk' && level === 'buurt')),
        paint: {
          'line-color': '#000000',
          'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 2.5, 0],
        },
      });
      this.map.addLayer({
        id: `${l}-selected`, type: 'line', source: l, 'source-layer': l,
        filter: selected,
        paint: { 'line-color': '#d6005c', 'line-width': 3.5 },
      });
    }
  }

  removeLayers() {
    this.hover(null);
    for (const layer of OVERLAY_LAYERS) {
      if (this.map.getLayer(layer)) this.map.removeLayer(layer);
    }
  }

  /** Marks the region under the pointer (`region` from `regionAt`, or null) and reports it. */
  hover(region, point) {
    const same = region && this.hovered && this.hovered.source === region.source && this.hovered.id === region.id;
    if (this.hovered && !same) {
      if (this.map.getSource(this.hovered.source)) {
        this.map.setFeatureState({ source: this.hovered.source, sourceLayer: this.hovered.source, id: this.hovered.id }, { hover: false });
      }
      this.hovered = null;
    }
    if (region && region.id !== undefined && !this.hovered) {
      this.hovered = { source: region.source, id: region.id };
      this.map.setFeatureState({ source: region.source, sourceLayer: region.source, id: region.id }, { hover: true });
    }
    this.map.getCanvas().style.cursor = region ? 'pointer' : '';
    this.onHover(region ? { properties: region.properties, point, level: region.level, kind: region.kind } : null);
  }

  /**
   * Show `level` coloured by `fill` (a MapLibre expression): the gemeenten of the Netherlands
   * (`level` gemeente), or the wijken or buurten of `gemeente` with the wijken around it faded;
   * `gemeente` (or null) is outlined. With `clusters` the tiles carry the indicator's cluster
   * labels (the hot spots mode); `contextFill` colours the wijken around (default: `fill`).
   */
  setChoropleth({ indicator, year, level, fill, contextFill = fill, gemeente, clusters = false }) {
    const v = this.view;
    const sameLayers = v && v.indicator === indicator && v.year === year && v.level === level && v.gemeente === gemeente
      && v.clusters === clusters;
    const levelChanged = this.level !== level;
    this.level = level;
    this.view = { indicator, year, level, fill, contextFill, gemeente, clusters };
    if (levelChanged) this.updateLabels();
    if (sameLayers) {
      if (level === 'gemeente') {
        this.map.setPaintProperty('gemeente-fill', 'fill-color', fill);
      } else {
        this.map.setPaintProperty(`${level}-fill`, 'fill-color', fill);
        this.map.setPaintProperty('context-fill', 'fill-color', contextFill);
      }
      return;
    }
    // Layers and sources anew: a new indicator or year means new tile URLs (changing a source's
    // URL in place does not reliably refetch tiles that are already loaded), and layers re-added
    // over tiles already laid out for the old ones (a fill that was a constant and is now by
    // class, say) make MapLibre fail on their stale paint arrays.
    this.removeLayers();
    this.addSources(indicator, year, clusters);
    this.addLayers();
  }

  setSelection(codes) {
    this.selection = codes;
    // A selected region's name goes before the others.
    this.updateLabels();
    for (const l of LEVELS) {
      if (this.map.getLayer(`${l}-selected`)) {
        this.map.setFilter(`${l}-selected`, ['in', ['get', 'code'], ['literal', codes]]);
      }
    }
  }

  /**
   * Names of `regions` as HTML markers at their interior points (no glyph server needed): which
   * show follows the zoom and the map's level (labels.js), and of those no two overlap.
   */
  setLabels(regions) {
    for (const { marker } of this.labels) marker.remove();
    this.labels = regions
      .filter((r) => r.interior_point_wgs84)
      .map((r) => {
        const el = document.createElement('div');
        el.className = `map-label map-label-${r.level} map-label-off`;
        el.textContent = r.level === 'wijk' ? r.name.replace(/^Wijk \d+\s+/, '') : r.name;
        el.setAttribute('aria-hidden', 'true');
        const marker = new maplibregl.Marker({ element: el, anchor: 'center' })
          .setLngLat(r.interior_point_wgs84)
          .addTo(this.map);
        return { marker, region: r, el, size: null, shown: false };
      });
    if (!this.labelsWired) {
      this.labelsWired = true;
      // During a zoom at most once a frame, and once more when it ends.
      let pending = false;
      this.map.on('zoom', () => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          this.updateLabels();
        });
      });
      this.map.on('zoomend', () => this.updateLabels());
    }
    this.updateLabels();
  }

  /** Shows the labels the zoom and the map's level call for, leaving out those that would overlap. */
  updateLabels() {
    const z = this.map.getZoom();
    const selected = new Set(this.selection ?? []);
    const candidates = [];
    for (const label of this.labels) {
      if (!labelShown(label.region.level, this.level, z, label.region.code === this.view?.gemeente)) continue;
      // Hidden labels keep their layout (visibility, not display), so they can be measured.
      if (!label.size?.width) label.size = { width: label.el.offsetWidth, height: label.el.offsetHeight };
      const p = this.map.project(label.region.interior_point_wgs84);
      const { width, height } = label.size;
      candidates.push({
        key: label,
        box: { x: p.x - width / 2, y: p.y - height / 2, width, height },
        priority: labelPriority(label.region, selected),
      });
    }
    const shown = declutter(candidates, 3);
    for (const label of this.labels) {
      label.shown = shown.has(label);
      label.el.classList.toggle('map-label-off', !label.shown);
    }
  }

  /** The box `[west, south, east, north]` around a GeoJSON geometry, or null for none. */
  static boxOf(geometry) {
    const bounds = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(walk));
    if (geometry?.coordinates) walk(geometry.coordinates);
    return bounds.isEmpty() ? null : bounds.toArray().flat();
  }

  /**
   * Shows the box `[west, south, east, north]`: at once, or (`animate`) in a flight. `zoom()`
   * says the zoom it ends at from the start.
   */
  showBox(box, { animate = false, padding = 30 } = {}) {
    const bounds = [[box[0], box[1]], [box[2], box[3]]];
    const camera = this.map.cameraForBounds(bounds, { padding });
    if (!camera) return;
    if (!animate) {
      this.map.jumpTo(camera);
      return;
    }
    this.map.flyTo({ ...camera, duration: 1200, essential: true });
    this.flying(camera.zoom);
  }

  /** Flies to a point at `zoom`. */
  flyToPoint(center, zoom) {
    this.map.flyTo({ center, zoom, essential: true });
    this.flying(zoom);
  }

  // After a flight started (its start ends any flight before, with that one's `moveend`).
  flying(zoom) {
    this.targetZoom = this.map.isMoving() ? zoom : null;
  }

  /** Resolves once the changes made so far are drawn and every tile in view has loaded. */
  idle() {
    return new Promise((resolve) => {
      // A repaint is always scheduled, so the next `idle` comes after the changes are drawn.
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  /** The map as a PNG with title, labels, legend and sources drawn on it. */
  async toPng({ title, subtitle, legend }) {
    await this.idle();
    const src = this.map.getCanvas();
    const ratio = src.width / src.clientWidth;
    const header = 56 * ratio;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + header;
    const g = out.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(src, 0, header);
    g.scale(ratio, ratio);
    g.fillStyle = '#111111';
    g.font = 'bold 17px system-ui, sans-serif';
    g.fillText(title, 12, 24);
    g.font = '13px system-ui, sans-serif';
    g.fillText(subtitle, 12, 44);
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (const { region, el, shown } of this.labels) {
      if (!shown) continue;
      // The label as the page shows it: its font, broken into lines as it wraps there.
      const style = getComputedStyle(el);
      g.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.2;
      const lines = wrapLines(el.textContent, el.clientWidth + 1, (t) => g.measureText(t).width);
      const p = this.map.project(region.interior_point_wgs84);
      lines.forEach((line, i) => {
        const y = p.y + 56 + (i - (lines.length - 1) / 2) * lineHeight;
        g.lineWidth = 3;
        g.lineJoin = 'round';
        g.strokeStyle = 'rgba(255,255,255,0.9)';
        g.strokeText(line, p.x, y);
        g.fillStyle = style.color;
        g.fillText(line, p.x, y);
      });
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    const rowH = 18;
    const boxW = 260;
    const boxH = 28 + rowH * legend.rows.length;
    const x0 = src.clientWidth - boxW - 10;
    const y0 = 56 + src.clientHeight - boxH - 30;
    g.fillStyle = 'rgba(255,255,255,0.92)';
    g.fillRect(x0, y0, boxW, boxH);
    g.fillStyle = '#111111';
    g.font = 'bold 12px system-ui, sans-serif';
    g.fillText(legend.title, x0 + 8, y0 + 17);
    g.font = '12px system-ui, sans-serif';
    legend.rows.forEach((row, i) => {
      const y = y0 + 26 + i * rowH;
      if (!row.color) {
        // A line of text without a swatch: which end is more need.
        g.font = 'italic 12px system-ui, sans-serif';
        g.fillStyle = '#444444';
        g.fillText(row.text, x0 + 38, y + 11);
        g.font = '12px system-ui, sans-serif';
        return;
      }
      g.fillStyle = row.color;
      g.fillRect(x0 + 8, y, 22, 13);
      g.strokeStyle = '#666666';
      g.lineWidth = 0.5;
      g.strokeRect(x0 + 8, y, 22, 13);
      g.fillStyle = '#111111';
      g.fillText(row.text, x0 + 38, y + 11);
    });
    g.font = '11px system-ui, sans-serif';
    g.fillText('Bron: CBS, RIVM, Kadaster · buurt', 12, 56 + src.clientHeight - 8);
    return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
  }
}
