// The MapLibre map: the service's vector tiles as a choropleth with gemeente and wijk outlines,
// labels from the API (no glyph server needed offline), hover, click and shift-click, and a PNG.

import * as api from './api.js';
import { NO_DATA_COLOR } from './classes.js';
import { declutter, labelPriority, labelShown, wrapLines } from './labels.js';

const LEVELS = ['gemeente', 'wijk', 'buurt'];
const OVERLAY_LAYERS = ['wijk-fill', 'buurt-fill', 'buurt-line', 'wijk-line', 'gemeente-line', 'wijk-hover', 'wijk-selected', 'buurt-hover', 'buurt-selected'];
const EMPTY_STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0f2' } }],
};

export class ChoroplethMap {
  /**
   * @param {HTMLElement} container
   * @param {{baseStyleUrl?: string, onHover: Function, onClick: Function}} options
   */
  constructor(container, { baseStyleUrl, onHover, onClick }) {
    this.onHover = onHover;
    this.onClick = onClick;
    this.level = 'buurt';
    this.labels = [];
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
    this.hovered = null;
  }

  /** Sources, layers and their events, once the (base) style has loaded. */
  async init() {
    await this.ready;
    this.view = null;
    this.selection = [];
    // Delegated listeners find their layer by id, so they outlive the layers being re-added.
    for (const level of ['wijk', 'buurt']) {
      const layer = `${level}-fill`;
      this.map.on('mousemove', layer, (e) => this.hover(level, e));
      this.map.on('mouseleave', layer, () => this.hover(level, null));
      this.map.on('click', layer, (e) => {
        const f = e.features?.[0];
        if (f) this.onClick(f.properties.code, level, e.originalEvent.shiftKey);
      });
    }
  }

  /**
   * The service's sources and layers for `this.view`. A new indicator or year means new tile
   * URLs; the sources are then added anew (changing a source's URL in place does not reliably
   * refetch tiles that are already loaded).
   */
  addOverlay() {
    const { indicator, year, level, fill, within } = this.view;
    const inside = within ? ['==', ['slice', ['get', 'code'], 2, 6], within.slice(2)] : null;
    const selected = ['in', ['get', 'code'], ['literal', this.selection]];
    for (const layer of LEVELS) {
      this.map.addSource(layer, {
        type: 'vector',
        tiles: [api.tileUrl(layer, indicator, year)],
        minzoom: 0,
        maxzoom: 14,
        promoteId: 'code',
      });
    }
    const visible = (l) => (l === level ? 'visible' : 'none');
    for (const l of ['wijk', 'buurt']) {
      this.map.addLayer({
        id: `${l}-fill`, type: 'fill', source: l, 'source-layer': l,
        ...(inside ? { filter: inside } : {}),
        layout: { visibility: visible(l) },
        paint: { 'fill-color': l === level ? fill : NO_DATA_COLOR, 'fill-opacity': 0.88 },
      });
    }
    this.map.addLayer({
      id: 'buurt-line', type: 'line', source: 'buurt', 'source-layer': 'buurt',
      minzoom: 10,
      layout: { visibility: visible('buurt') },
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.3, 15, 1.2], 'line-opacity': 0.9 },
    });
    this.map.addLayer({
      id: 'wijk-line', type: 'line', source: 'wijk', 'source-layer': 'wijk',
      paint: { 'line-color': '#333333', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 15, 2.2] },
    });
    this.map.addLayer({
      id: 'gemeente-line', type: 'line', source: 'gemeente', 'source-layer': 'gemeente',
      paint: { 'line-color': '#111111', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 15, 3.5] },
    });
    for (const l of ['wijk', 'buurt']) {
      this.map.addLayer({
        id: `${l}-hover`, type: 'line', source: l, 'source-layer': l,
        layout: { visibility: visible(l) },
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

  removeOverlay() {
    this.hovered = null;
    for (const layer of OVERLAY_LAYERS) {
      if (this.map.getLayer(layer)) this.map.removeLayer(layer);
    }
    for (const source of LEVELS) {
      if (this.map.getSource(source)) this.map.removeSource(source);
    }
  }

  hover(level, e) {
    const f = e?.features?.[0];
    if (this.hovered && (!f || this.hovered.id !== f.id)) {
      this.map.setFeatureState({ source: this.hovered.level, sourceLayer: this.hovered.level, id: this.hovered.id }, { hover: false });
      this.hovered = null;
    }
    if (f && f.id !== undefined && !this.hovered) {
      this.hovered = { level, id: f.id };
      this.map.setFeatureState({ source: level, sourceLayer: level, id: f.id }, { hover: true });
    }
    this.map.getCanvas().style.cursor = f ? 'pointer' : '';
    this.onHover(f ? { properties: f.properties, point: e.point } : null);
  }

  /** Show `level` coloured by `fill` (a MapLibre expression), only within gemeente `within`. */
  setChoropleth({ indicator, year, level, fill, within }) {
    const v = this.view;
    const sameLayers = v && v.indicator === indicator && v.year === year && v.level === level && v.within === within;
    const levelChanged = this.level !== level;
    this.level = level;
    this.view = { indicator, year, level, fill, within };
    if (levelChanged) this.updateLabels();
    if (sameLayers) {
      this.map.setPaintProperty(`${level}-fill`, 'fill-color', fill);
    } else {
      this.removeOverlay();
      this.addOverlay();
    }
  }

  setSelection(codes) {
    this.selection = codes;
    // A selected region's name goes before the others.
    this.updateLabels();
    for (const l of ['wijk', 'buurt']) {
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
      if (!labelShown(label.region.level, this.level, z)) continue;
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

  fitGeometry(geometry, padding = 30) {
    const bounds = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(walk));
    walk(geometry.coordinates);
    if (!bounds.isEmpty()) this.map.fitBounds(bounds, { padding, duration: 0 });
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
