// The observer's map: the plan's zones (no tiles, so it draws offline from the cached GeoJSON),
// the device's fix with its accuracy, and the point the observer taps.
import L from 'leaflet';

export class PickMap {
  // onPick(lat, lon) is set by the form for each showing of the position step.
  constructor(el) {
    this.onPick = null;
    this.map = L.map(el, { zoomSnap: 0.5, tapTolerance: 20, attributionControl: false });
    L.control.scale({ imperial: false }).addTo(this.map);
    this.map.setView([48.5, 35.5], 6);
    this.map.on('click', (e) => this.onPick?.(e.latlng.lat, e.latlng.lng));
    this.mark = null;
  }

  showZones(geojson) {
    this.zones?.remove();
    this.zones = L.geoJSON(geojson, {
      style: (f) => ({ color: '#555', weight: 1, fillColor: f.properties.colour || '#cccccc', fillOpacity: 0.45,
        className: `zone zone-${f.properties.kind}` }),
      // Taps go to the map, to place the point, not to the zone under the finger.
      interactive: false,
    }).addTo(this.map);
    const b = this.zones.getBounds();
    if (b.isValid() && !this.mark) this.map.fitBounds(b, { padding: [4, 4] });
  }

  // The chosen position: a dot, and around a device fix its accuracy as a circle (metres).
  show(lat, lon, accuracyM) {
    this.mark?.remove();
    if (lat == null) return void (this.mark = null);
    const parts = [L.circleMarker([lat, lon], { radius: 9, weight: 3, color: '#0d47a1', fillColor: '#42a5f5', fillOpacity: 1,
      className: 'picked', interactive: false })];
    if (accuracyM > 0) parts.push(L.circle([lat, lon], { radius: accuracyM, weight: 1, color: '#0d47a1', fillOpacity: 0.1, interactive: false }));
    this.mark = L.layerGroup(parts).addTo(this.map);
    if (!this.map.getBounds().contains([lat, lon])) this.map.panTo([lat, lon]);
  }

  // Leaflet measures its box when made; a map made in a hidden panel is measured again here.
  resize() {
    this.map.invalidateSize();
  }
}
