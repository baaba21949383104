// The map: the plan's zones from GET /v1/zones and the incidents over them, drawn by Leaflet as
// SVG paths. No tile layer: the zones are the map, so it works offline and needs no WebGL.
import L from 'leaflet';
import { ellipseOutline } from './incidents.js';

// A zone's outline: its fill colour darkened, so neighbouring zones of one colour stay apart.
function darker(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex ?? '');
  if (!m) return '#555';
  const n = parseInt(m[1], 16);
  const c = (shift) => Math.round(((n >> shift) & 255) * 0.6);
  return `rgb(${c(16)},${c(8)},${c(0)})`;
}

export class MapView {
  constructor(el, onSelect) {
    this.onSelect = onSelect;
    this.map = L.map(el, { zoomSnap: 0.25, preferCanvas: false });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution('zones: the plan and its layers');
    L.control.scale({ imperial: false }).addTo(this.map);
    this.incidentLayer = L.layerGroup().addTo(this.map);
    this.markers = new Map(); // incident id -> layer group (ellipse and dot)
    this.selected = null;
  }

  showZones(geojson) {
    this.zones = L.geoJSON(geojson, {
      style: (f) => ({
        color: darker(f.properties.colour), weight: 1, fillColor: f.properties.colour || '#cccccc',
        fillOpacity: 0.5, className: `zone zone-${f.properties.kind}`,
      }),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        layer.bindTooltip(`${p.name} (${p.kind}${p.responsible ? `, ${p.responsible}` : ''})`, { sticky: true });
        layer.on('add', () => layer.getElement()?.setAttribute('data-zone', p.id));
      },
    }).addTo(this.map);
    this.zones.bringToBack();
    const bounds = this.zones.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [8, 8] });
  }

  // Draws, redraws or removes one incident; those without a position fix are listed, not drawn.
  setIncident(inc, visible) {
    this.removeIncident(inc.id);
    if (!visible || inc.lat == null || inc.lon == null) return;
    const violates = (inc.violations ?? []).length > 0;
    const cls = `incident${violates ? ' violation' : ''}${this.selected === inc.id ? ' selected' : ''}`;
    const parts = [];
    if (inc.err_major_m > 0 && inc.err_minor_m > 0) {
      const ring = ellipseOutline(inc.lat, inc.lon, inc.err_major_m, inc.err_minor_m, inc.err_azimuth_deg ?? 0);
      parts.push(L.polygon(ring, { className: 'incident-ellipse', weight: 1, fillOpacity: 0.1, interactive: false }));
    }
    const dot = L.circleMarker([inc.lat, inc.lon], { radius: 5, weight: 1.5, fillOpacity: 0.9, className: cls });
    dot.bindTooltip(`${inc.id}: ${inc.event}, ${inc.n_observations} observation${inc.n_observations === 1 ? '' : 's'}`);
    dot.on('click', () => this.onSelect(inc.id));
    dot.on('add', () => dot.getElement()?.setAttribute('data-incident', inc.id));
    parts.push(dot);
    const group = L.layerGroup(parts).addTo(this.incidentLayer);
    this.markers.set(inc.id, group);
  }

  removeIncident(id) {
    const g = this.markers.get(id);
    if (g) this.incidentLayer.removeLayer(g), this.markers.delete(id);
  }

  clearIncidents() {
    this.incidentLayer.clearLayers();
    this.markers.clear();
  }

  select(id, inc) {
    this.selected = id;
    for (const el of document.querySelectorAll('path.incident.selected')) el.classList.remove('selected');
    document.querySelector(`path.incident[data-incident="${CSS.escape(id)}"]`)?.classList.add('selected');
    if (inc?.lat != null && !this.map.getBounds().contains([inc.lat, inc.lon])) this.map.panTo([inc.lat, inc.lon]);
  }
}
